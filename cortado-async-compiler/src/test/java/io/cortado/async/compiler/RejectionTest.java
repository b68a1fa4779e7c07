package io.cortado.async.compiler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compile-time rejections: each snippet is compiled by javac, then by {@link AsyncCompiler}, whose message must
 * name the file, the line (the one marked {@code // <-}), the method, and what is wrong.
 */
class RejectionTest {
    @TempDir
    Path tmp;

    private static final String HEADER = """
            package p;

            import io.cortado.Future;
            import io.cortado.Futures;
            import io.cortado.async.Async;
            import io.cortado.stream.Stream;
            import java.util.function.Supplier;
            import static io.cortado.async.Async.await;

            """;

    /** Compiles {@code p.Bad} and returns the compiler's problems. */
    private List<String> problems(String body) throws Exception {
        String source = HEADER + "public class Bad {\n" + body + "\n}\n";
        Path out = Javac.compile(tmp.resolve("classes"), Map.of("p/Bad.java", source));
        byte[] bytes = Javac.classFile(out, "p/Bad");
        AsyncCompileException e = assertThrows(AsyncCompileException.class,
                () -> AsyncCompiler.compile(bytes, ClassHierarchy.of(RejectionTest.class.getClassLoader())));
        assertEquals(String.join("\n", e.problems()), e.getMessage());
        return e.problems();
    }

    /** @return the line of {@code marker} (1-based) in the source that {@link #problems} compiles */
    private static int line(String body, int occurrence) {
        String[] lines = (HEADER + "public class Bad {\n" + body).split("\n", -1);
        int seen = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("// <-") && seen++ == occurrence) {
                return i + 1;
            }
        }
        throw new AssertionError("no marker");
    }

    private static void assertProblem(String problem, String body, int occurrence, String method, String... words) {
        String where = "Bad.java:" + line(body, occurrence) + ": in p.Bad." + method + ": ";
        assertTrue(problem.startsWith(where), () -> "expected " + where + " in: " + problem);
        for (String w : words) {
            assertTrue(problem.contains(w), () -> "expected '" + w + "' in: " + problem);
        }
    }

    @Test
    void awaitInSynchronizedBlock() throws Exception {
        String body = """
                    final Object lock = new Object();
                    Future<Integer> m() {
                        int a = await(Futures.ready(1));
                        synchronized (lock) {
                            a += await(Futures.ready(2)); // <-
                        }
                        return Async.done(a);
                    }
                """;
        List<String> p = problems(body);
        assertEquals(1, p.size(), p::toString);
        assertProblem(p.getFirst(), body, 0, "m", "await inside a synchronized block",
                "a monitor must not be held across a suspension");
    }

    @Test
    void awaitInSynchronizedMethod() throws Exception {
        String body = """
                    synchronized Future<Integer> m() {
                        return Async.done(await(Futures.ready(1))); // <-
                    }
                """;
        List<String> p = problems(body);
        assertEquals(1, p.size(), p::toString);
        assertProblem(p.getFirst(), body, 0, "m", "await in a synchronized method");
    }

    @Test
    void awaitInConstructor() throws Exception {
        String body = """
                    final int x;
                    Bad() {
                        x = await(Futures.ready(1)); // <-
                    }
                """;
        List<String> p = problems(body);
        assertEquals(1, p.size(), p::toString);
        assertProblem(p.getFirst(), body, 0, "<init>", "await in a constructor");
    }

    @Test
    void awaitInStaticInitialiser() throws Exception {
        String body = """
                    static final int X;
                    static {
                        X = await(Futures.ready(1)); // <-
                    }
                """;
        List<String> p = problems(body);
        assertEquals(1, p.size(), p::toString);
        assertProblem(p.getFirst(), body, 0, "<clinit>", "await in a static initialiser");
    }

    @Test
    void awaitInMethodNotReturningFuture() throws Exception {
        String body = """
                    int m() {
                        return await(Futures.ready(1)); // <-
                    }
                """;
        List<String> p = problems(body);
        assertEquals(1, p.size(), p::toString);
        assertProblem(p.getFirst(), body, 0, "m", "await in a method whose return type is int",
                "returns io.cortado.Future");
    }

    @Test
    void awaitInLambdaThatIsNotAsyncFn() throws Exception {
        String body = """
                    Future<Integer> m() {
                        Supplier<Integer> s = () -> await(Futures.ready(1)); // <-
                        return Async.done(s.get());
                    }
                """;
        List<String> p = problems(body);
        assertEquals(1, p.size(), p::toString);
        assertProblem(p.getFirst(), body, 0, "lambda$m$0", "await in a lambda that is not written in an Async.fn");
    }

    @Test
    void yieldOutsideStreamMethod() throws Exception {
        String body = """
                    Future<Integer> m() {
                        int a = await(Futures.ready(1));
                        Async.yield(a); // <-
                        return Async.done(a);
                    }
                """;
        List<String> p = problems(body);
        assertEquals(1, p.size(), p::toString);
        assertProblem(p.getFirst(), body, 0, "m", "Async.yield in a method that does not return "
                + "io.cortado.stream.Stream");
    }

    @Test
    void everyProblemOfAClassIsListed() throws Exception {
        String body = """
                    int a() {
                        return await(Futures.ready(1)); // <-
                    }
                    synchronized Future<Integer> b() {
                        return Async.done(await(Futures.ready(1))); // <-
                    }
                    Future<Integer> fine() {
                        return Async.done(await(Futures.ready(1)));
                    }
                """;
        List<String> p = problems(body);
        assertEquals(2, p.size(), p::toString);
        assertProblem(p.get(0), body, 0, "a", "return type is int");
        assertProblem(p.get(1), body, 1, "b", "synchronized method");
    }
}
