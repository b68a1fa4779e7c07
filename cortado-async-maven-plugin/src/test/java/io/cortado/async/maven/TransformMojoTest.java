package io.cortado.async.maven;

import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The goals as Maven runs them, with their parameters set as Maven would inject them. */
class TransformMojoTest {
    @TempDir
    Path tmp;

    private static final String GOOD = """
            package p;

            import io.cortado.Future;
            import io.cortado.Task;
            import io.cortado.async.Async;
            import static io.cortado.async.Async.await;

            public class Good {
                public static Future<Integer> m() {
                    await(Task.yieldNow());
                    return Async.done(1);
                }
            }
            """;

    private static final String BAD = """
            package p;

            import io.cortado.Futures;
            import static io.cortado.async.Async.await;

            public class %s {
                final Object lock = new Object();

                int notAFuture() {
                    return await(Futures.ready(1));
                }

                io.cortado.Future<Integer> locked() {
                    synchronized (lock) {
                        return Futures.ready(await(Futures.ready(1)));
                    }
                }
            }
            """;

    private static List<String> classpath() throws Exception {
        List<String> cp = new ArrayList<>();
        for (Class<?> c : List.of(io.cortado.Future.class, io.cortado.async.Async.class)) {
            cp.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return cp;
    }

    /** @return a directory of classes compiled by javac from {@code sources} (class name, source) */
    private Path javac(String... sources) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/p"));
        Path out = Files.createDirectories(tmp.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-classpath",
                String.join(File.pathSeparator, classpath())));
        for (int i = 0; i < sources.length; i += 2) {
            Path f = src.resolve(sources[i] + ".java");
            Files.writeString(f, sources[i + 1]);
            args.add(f.toString());
        }
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)));
        return out;
    }

    @Test
    void transformCompilesInPlace() throws Exception {
        Path classes = javac("Good", GOOD);
        TransformMojo mojo = new TransformMojo();
        mojo.classesDirectory = classes.toFile();
        mojo.classpathElements = classpath();
        mojo.execute();
        assertTrue(Files.exists(classes.resolve("p/Good$async$m$0.class")));
    }

    @Test
    void aRejectedAwaitFailsTheBuildListingEveryProblem() throws Exception {
        Path classes = javac("Good", GOOD, "Bad1", BAD.formatted("Bad1"), "Bad2", BAD.formatted("Bad2"));
        TransformMojo mojo = new TransformMojo();
        mojo.classesDirectory = classes.toFile();
        mojo.classpathElements = classpath();
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        String m = e.getMessage();
        assertTrue(m.startsWith("cortado-async: 4 awaits in classes of " + classes + " cannot be compiled:"), m);
        for (String bad : List.of("Bad1", "Bad2")) {
            assertTrue(m.contains("\n  " + bad + ".java:10: in p." + bad + ".notAFuture: await in a method whose "
                    + "return type is int"), m);
            assertTrue(m.contains("\n  " + bad + ".java:15: in p." + bad + ".locked: await inside a synchronized "
                    + "block"), m);
        }
    }

    @Test
    void transformTestsWritesAnotherDirectoryAndCopiesTheRest() throws Exception {
        Path classes = javac("Good", GOOD, "Plain", "package p; public class Plain {}");
        Path out = tmp.resolve("async-test-classes");
        TransformTestsMojo mojo = new TransformTestsMojo();
        mojo.testClassesDirectory = classes.toFile();
        mojo.testOutputDirectory = out.toFile();
        mojo.testClasspathElements = classpath();
        mojo.execute();
        assertTrue(Files.exists(out.resolve("p/Good$async$m$0.class")));
        assertTrue(Files.exists(out.resolve("p/Good.class")));
        assertTrue(Files.exists(out.resolve("p/Plain.class")));
        assertFalse(Files.exists(classes.resolve("p/Good$async$m$0.class")));
    }

    @Test
    void nothingToDoWithoutClassesOrWhenSkipped() throws Exception {
        TransformMojo mojo = new TransformMojo();
        mojo.classesDirectory = tmp.resolve("none").toFile();
        mojo.classpathElements = List.of();
        mojo.execute();
        assertFalse(Files.exists(tmp.resolve("none")));

        Path classes = javac("Bad1", BAD.formatted("Bad1"));
        TransformTestsMojo skipped = new TransformTestsMojo();
        skipped.testClassesDirectory = classes.toFile();
        skipped.testClasspathElements = classpath();
        skipped.skip = true;
        skipped.execute(); // would fail if it ran
    }
}
