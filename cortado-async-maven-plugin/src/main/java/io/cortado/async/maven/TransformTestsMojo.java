package io.cortado.async.maven;

import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

import java.io.File;
import java.util.List;

/**
 * Compiles the async methods of the test classes, as {@code transform} does for the main classes: every class under
 * {@code testClassesDirectory}, with the test class path.
 */
@Mojo(name = "transform-tests", defaultPhase = LifecyclePhase.PROCESS_TEST_CLASSES,
        requiresDependencyResolution = ResolutionScope.TEST, threadSafe = true)
public class TransformTestsMojo extends AbstractTransformMojo {
    /** The compiled test classes. */
    @Parameter(property = "cortado.async.testClassesDirectory",
            defaultValue = "${project.build.testOutputDirectory}", required = true)
    File testClassesDirectory;

    /**
     * Where the compiled test classes go; by default {@code testClassesDirectory} itself (in place). When it is
     * another directory, the classes without async methods and the other files are copied there too (point
     * Surefire's {@code testClassesDirectory} at it).
     */
    @Parameter(property = "cortado.async.testOutputDirectory")
    File testOutputDirectory;

    /** The test class path (read for types only). */
    @Parameter(defaultValue = "${project.testClasspathElements}", readonly = true, required = true)
    List<String> testClasspathElements;

    /** Skips the goal. */
    @Parameter(property = "cortado.async.skip", defaultValue = "false")
    boolean skip;

    /** Skips the goal when the tests are not compiled either. */
    @Parameter(property = "maven.test.skip", defaultValue = "false")
    boolean testSkip;

    @Override
    File classes() {
        return testClassesDirectory;
    }

    @Override
    File output() {
        return testOutputDirectory;
    }

    @Override
    List<String> classpath() {
        return testClasspathElements;
    }

    @Override
    boolean skipped() {
        return skip || testSkip;
    }

    @Override
    String what() {
        return "test classes";
    }
}
