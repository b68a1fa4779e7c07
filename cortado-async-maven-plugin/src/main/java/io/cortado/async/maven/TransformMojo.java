package io.cortado.async.maven;

import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;

import java.io.File;
import java.util.List;

/**
 * Compiles the async methods of the main classes into {@code Future} state machines (see
 * {@code io.cortado.async.Async}): every class under {@code classesDirectory} that calls {@code Async.await},
 * {@code Async.yield} or {@code Async.fn} is rewritten, and its frame classes are written beside it. Types are read
 * from the class files of the directory and of the compile class path; no class of the project is loaded. A rejected
 * {@code await} (inside {@code synchronized}, in a constructor, in a method that does not return {@code Future} ...)
 * fails the build with every problem listed as {@code File.java:line: ...}.
 */
@Mojo(name = "transform", defaultPhase = LifecyclePhase.PROCESS_CLASSES,
        requiresDependencyResolution = ResolutionScope.COMPILE, threadSafe = true)
public class TransformMojo extends AbstractTransformMojo {
    /** The compiled classes. */
    @Parameter(property = "cortado.async.classesDirectory", defaultValue = "${project.build.outputDirectory}",
            required = true)
    File classesDirectory;

    /**
     * Where the compiled classes go; by default {@code classesDirectory} itself (in place). When it is another
     * directory, the classes without async methods and the other files are copied there too.
     */
    @Parameter(property = "cortado.async.outputDirectory")
    File outputDirectory;

    /** The compile class path (read for types only). */
    @Parameter(defaultValue = "${project.compileClasspathElements}", readonly = true, required = true)
    List<String> classpathElements;

    /** Skips the goal. */
    @Parameter(property = "cortado.async.skip", defaultValue = "false")
    boolean skip;

    @Override
    File classes() {
        return classesDirectory;
    }

    @Override
    File output() {
        return outputDirectory;
    }

    @Override
    List<String> classpath() {
        return classpathElements;
    }

    @Override
    boolean skipped() {
        return skip;
    }

    @Override
    String what() {
        return "classes";
    }
}
