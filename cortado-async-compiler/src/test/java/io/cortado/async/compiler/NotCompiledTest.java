package io.cortado.async.compiler;

import io.cortado.Future;
import io.cortado.stream.Stream;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Async code compiled by plain javac and loaded as it is (no plugin, no agent): the error says what to do. */
class NotCompiledTest {
    @TempDir
    Path tmp;

    private static final String SOURCE = """
            package p;

            import io.cortado.Future;
            import io.cortado.Futures;
            import io.cortado.async.Async;
            import io.cortado.stream.Stream;
            import static io.cortado.async.Async.await;

            public class Plain {
                public static Future<Integer> method() {
                    int a = await(Futures.ready(1));
                    return Async.done(a + 1);
                }

                public static Future<Integer> lambda() {
                    return Async.fn(() -> await(Futures.ready(2)) + 1);
                }

                public static Stream<Integer> generator() {
                    Async.yield(1);
                    return Async.end();
                }
            }
            """;

    private Class<?> plain(URLClassLoader loader) throws Exception {
        return loader.loadClass("p.Plain");
    }

    private URLClassLoader loader() {
        Path out = Javac.compile(tmp.resolve("classes"), Map.of("p/Plain.java", SOURCE));
        try {
            return new URLClassLoader(new URL[] {out.toUri().toURL()}, NotCompiledTest.class.getClassLoader());
        } catch (java.net.MalformedURLException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertHelpful(IllegalStateException e, String call, String method) {
        String m = e.getMessage();
        assertTrue(m.startsWith(call + " called in p.Plain." + method + " (Plain.java:"), m);
        assertTrue(m.contains("not compiled"), m);
        assertTrue(m.contains("cortado-async-maven-plugin"), m);
        assertTrue(m.contains("-javaagent:"), m);
    }

    @Test
    void awaitInAMethodThatWasNotCompiled() throws Exception {
        try (URLClassLoader loader = loader()) {
            Class<?> c = plain(loader);
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> c.getMethod("method").invoke(null));
            assertHelpful(assertInstanceOf(IllegalStateException.class, e.getCause()), "Async.await", "method");
        }
    }

    @Test
    void awaitInAnAsyncFnThatWasNotCompiled() throws Exception {
        try (URLClassLoader loader = loader()) {
            Future<?> f = (Future<?>) plain(loader).getMethod("lambda").invoke(null);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> f.poll(new TestWaker().context()));
            assertHelpful(e, "Async.await", "lambda$lambda$0");
        }
    }

    @Test
    void yieldInAGeneratorThatWasNotCompiled() throws Exception {
        try (URLClassLoader loader = loader()) {
            Class<?> c = plain(loader);
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> c.getMethod("generator").invoke(null));
            assertHelpful(assertInstanceOf(IllegalStateException.class, e.getCause()), "Async.yield", "generator");
            assertTrue(Stream.class.isAssignableFrom(c.getMethod("generator").getReturnType()));
        }
    }
}
