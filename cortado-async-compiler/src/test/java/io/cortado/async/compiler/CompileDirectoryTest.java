package io.cortado.async.compiler;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompileDirectoryTest {
    @TempDir
    Path tmp;

    private static final String ASYNC = """
            package p;

            import io.cortado.Future;
            import io.cortado.Task;
            import io.cortado.async.Async;
            import static io.cortado.async.Async.await;

            public class A {
                public static Future<Integer> twice(int x) {
                    await(Task.yieldNow());
                    return Async.done(2 * x);
                }
            }
            """;

    private static final String PLAIN = """
            package p;

            public class B {
                public static int three() {
                    return 3;
                }
            }
            """;

    private Path classes() throws IOException {
        Path dir = Javac.compile(tmp.resolve("classes"), Map.of("p/A.java", ASYNC, "p/B.java", PLAIN));
        Files.writeString(dir.resolve("p/res.txt"), "a resource");
        return dir;
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T run(Path dir, String className, String method, Object... args) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                CompileDirectoryTest.class.getClassLoader());
             AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            Class<?> c = loader.loadClass(className);
            for (java.lang.reflect.Method m : c.getMethods()) {
                if (m.getName().equals(method)) {
                    return rt.blockOn((Future<T>) m.invoke(null, args));
                }
            }
            throw new NoSuchMethodException(method);
        }
    }

    @Test
    void inPlaceRewritesOnlyAsyncClassesAndAddsTheirFrames() throws Exception {
        Path dir = classes();
        byte[] plainBefore = Files.readAllBytes(dir.resolve("p/B.class"));
        Files.write(dir.resolve("p/A$async$gone$7.class"), new byte[] {1, 2, 3}); // an old run's frame
        CompileDirectory.Result r = CompileDirectory.run(dir, dir, Javac.classpath());
        assertEquals(new CompileDirectory.Result(1, 1, 0), r);
        assertEquals(List.of("p/A$async$twice$0.class", "p/A.class", "p/B.class", "p/res.txt"), files(dir));
        assertArrayEquals(plainBefore, Files.readAllBytes(dir.resolve("p/B.class")));
        assertEquals(42, (Integer) run(dir, "p.A", "twice", 21));

        byte[] compiled = Files.readAllBytes(dir.resolve("p/A.class"));
        assertEquals(new CompileDirectory.Result(0, 0, 0), CompileDirectory.run(dir, dir, Javac.classpath()),
                "a compiled directory compiles to itself");
        assertArrayEquals(compiled, Files.readAllBytes(dir.resolve("p/A.class")));
    }

    @Test
    void anotherOutputDirectoryGetsEveryFileAndTheInputStaysAsItWas() throws Exception {
        Path dir = classes();
        List<String> before = files(dir);
        byte[] asyncBefore = Files.readAllBytes(dir.resolve("p/A.class"));
        Path out = tmp.resolve("out");
        CompileDirectory.Result r = CompileDirectory.run(dir, out, Javac.classpath());
        assertEquals(new CompileDirectory.Result(1, 1, 2), r);
        assertEquals(before, files(dir));
        assertArrayEquals(asyncBefore, Files.readAllBytes(dir.resolve("p/A.class")));
        assertEquals(List.of("p/A$async$twice$0.class", "p/A.class", "p/B.class", "p/res.txt"), files(out));
        assertEquals("a resource", Files.readString(out.resolve("p/res.txt")));
        assertEquals(42, (Integer) run(out, "p.A", "twice", 21));
    }

    @Test
    void aMissingDirectoryIsEmpty() throws Exception {
        assertEquals(new CompileDirectory.Result(0, 0, 0),
                CompileDirectory.run(tmp.resolve("none"), tmp.resolve("none"), List.of()));
    }

    @Test
    void typesComeFromTheDirectoryThenTheClassPath() throws Exception {
        // q.Base and its subclasses are only on the class path: merging "S1 or S2" into Base at the await needs them
        Path lib = Javac.compile(tmp.resolve("lib"), Map.of("q/Base.java", """
                package q;
                public abstract class Base { public abstract int value(); }
                """, "q/S1.java", """
                package q;
                public class S1 extends Base { public int value() { return 1; } }
                """, "q/S2.java", """
                package q;
                public class S2 extends Base { public int value() { return 2; } }
                """));
        Path dir = tmp.resolve("classes");
        Files.createDirectories(dir);
        String source = """
                package p;

                import io.cortado.Future;
                import io.cortado.Task;
                import io.cortado.async.Async;
                import static io.cortado.async.Async.await;

                public class C {
                    public static Future<Integer> pick(boolean one) {
                        var b = one ? new q.S1() : new q.S2();
                        await(Task.yieldNow());
                        return Async.done(b.value());
                    }
                }
                """;
        Path src = tmp.resolve("csrc/p/C.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), "-classpath",
                lib + java.io.File.pathSeparator + String.join(java.io.File.pathSeparator,
                        Javac.classpath().stream().map(Path::toString).toList()), src.toString());
        List<Path> classpath = new java.util.ArrayList<>(Javac.classpath());
        classpath.add(lib);
        assertEquals(1, CompileDirectory.run(dir, dir, classpath).compiled());
        try (URLClassLoader withLib = new URLClassLoader(new URL[] {lib.toUri().toURL()},
                CompileDirectoryTest.class.getClassLoader());
             URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, withLib);
             AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            java.lang.reflect.Method pick = loader.loadClass("p.C").getMethod("pick", boolean.class);
            assertEquals(1, rt.blockOn((Future<?>) pick.invoke(null, true)));
            assertEquals(2, rt.blockOn((Future<?>) pick.invoke(null, false)));
        }
    }

    @Test
    void everyRejectedAwaitOfEveryClassIsListedAndTheGoodClassesAreStillWritten() throws Exception {
        String bad = """
                package p;

                import io.cortado.Futures;
                import static io.cortado.async.Async.await;

                public class %s {
                    int m() {
                        return await(Futures.ready(1));
                    }
                }
                """;
        Path dir = Javac.compile(tmp.resolve("classes"), Map.of("p/A.java", ASYNC, "p/Bad1.java",
                bad.formatted("Bad1"), "p/Bad2.java", bad.formatted("Bad2")));
        Path out = tmp.resolve("out");
        AsyncCompileException e = assertThrows(AsyncCompileException.class,
                () -> CompileDirectory.run(dir, out, Javac.classpath()));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith("Bad1.java:8: in p.Bad1.m: await in a method whose return type"),
                e.getMessage());
        assertTrue(e.problems().get(1).startsWith("Bad2.java:8: in p.Bad2.m: "), e.getMessage());
        assertTrue(Files.exists(out.resolve("p/A$async$twice$0.class")));
        assertFalse(Files.exists(dir.resolve("p/A$async$twice$0.class")));
    }
}
