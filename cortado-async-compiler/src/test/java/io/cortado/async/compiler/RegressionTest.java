package io.cortado.async.compiler;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Minimal reproductions of compiler bugs found by the conformance suite (cortado-async-tests). */
class RegressionTest {
    @TempDir
    Path tmp;

    private static final String HEADER = """
            package r;

            import io.cortado.Future;
            import io.cortado.Task;
            import io.cortado.async.Async;
            import java.util.ArrayList;
            import java.util.List;
            import static io.cortado.async.Async.await;

            """;

    /** Compiles {@code r.C} (javac, then in place by CompileDirectory) and runs its static {@code method}. */
    private Object run(String body, String method, Object... args) throws Exception {
        Path dir = Javac.compile(tmp.resolve("classes"), Map.of("r/C.java", HEADER + "public class C {\n" + body
                + "\n}\n"));
        CompileDirectory.run(dir, dir, Javac.classpath());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                RegressionTest.class.getClassLoader());
             AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            for (Method m : loader.loadClass("r.C").getMethods()) {
                if (m.getName().equals(method)) {
                    return rt.blockOn((Future<?>) m.invoke(null, args));
                }
            }
            throw new NoSuchMethodException(method);
        }
    }

    /**
     * The analyzer runs a {@code new} again whenever the frame before it changes (a loop whose head widens a local,
     * an exception handler reached from many instructions); each run made a distinct "uninitialised" value, and
     * merging two of them gave an unusable value, so the constructor call failed analysis ("Method owner: expected
     * T, but found ."). Record patterns in a switch hit it in javac's MatchException handler.
     */
    @Test
    void aNewThatTheAnalyzerVisitsTwice() throws Exception {
        String body = """
                    public static Future<List<String>> loop(int n) {
                        List<String> out = new ArrayList<>();
                        Object last = null;
                        for (int i = 0; i < n; i++) {
                            out.add(new String("x" + i));
                            last = out;
                            await(Task.yieldNow());
                        }
                        return Async.done(last == null ? List.of() : out);
                    }

                    record P(int x, int y) {}

                    public static Future<Integer> recordPattern(int a, int b) {
                        Object o = new P(a, b);
                        int r = switch (o) {
                            case P(int x, int y) when x > 0 -> x + await(Task.yieldNow().map(v -> y));
                            case P(int x, int y) -> x - y;
                            default -> -1;
                        };
                        return Async.done(r);
                    }
                """;
        assertEquals(List.of("x0", "x1", "x2"), run(body, "loop", 3));
        assertEquals(7, run(body, "recordPattern", 3, 4));
        assertEquals(-5, run(body, "recordPattern", -1, 4));
    }

    /**
     * A local that holds the null constant at an await (javac's {@code String a = null;}) was neither saved nor
     * restored, so after resuming its slot was undefined and the class failed verification ("Bad local variable
     * type ... Type top"). It is restored as the null constant now.
     */
    @Test
    void aLocalThatIsNullAtAnAwait() throws Exception {
        String body = """
                    public static Future<String> nulls() {
                        String a = null;
                        List<String> b = null;
                        await(Task.yieldNow());
                        String c = a + b;
                        a = "x";
                        await(Task.yieldNow());
                        return Async.done(c + a + (b == null));
                    }
                """;
        assertEquals("nullnullxtrue", run(body, "nulls"));
    }

    /**
     * A null constant on the operand stack at an await (an argument {@code null} before an awaited one) was
     * restored from an Object field without a type, so passing it on as a String failed verification. It is pushed
     * back as the null constant now.
     */
    @Test
    void aNullArgumentBelowAnAwait() throws Exception {
        String body = """
                    static String join(String a, String b, int c) {
                        return a + b + c;
                    }

                    public static Future<String> nullOnTheStack() {
                        return Async.done(join(null, "b", await(Task.yieldNow().map(v -> 3))));
                    }
                """;
        assertEquals("nullb3", run(body, "nullOnTheStack"));
    }

    /** Overloaded async methods: each has a body of the same name (for stack traces), which must not clash. */
    @Test
    void overloadedAsyncMethods() throws Exception {
        String body = """
                    public static Future<String> m(int x) {
                        await(Task.yieldNow());
                        return Async.done("int " + x);
                    }

                    public static Future<String> m(String x) {
                        await(Task.yieldNow());
                        return Async.done("string " + x);
                    }

                    public Future<String> m(long x) {
                        await(Task.yieldNow());
                        return Async.done("long " + x);
                    }

                    public static Future<String> all() {
                        return Async.done(await(m(1)) + ", " + await(m("s")) + ", " + await(new C().m(2L)));
                    }
                """;
        assertEquals("int 1, string s, long 2", run(body, "all"));
    }

    /**
     * A value whose verified type is a class merge (String or StringBuilder: Object) used where an interface is
     * expected (CharSequence.length()): the JVM's verifier lets any reference through to an interface type, but the
     * analysis asked for the interface's Class, which it must not load ("class loading is not allowed"), and
     * rejected the method.
     */
    @Test
    void aMergedValueUsedAsAnInterface() throws Exception {
        String body = """
                    public static Future<Integer> length(boolean s) {
                        CharSequence cs = s ? "str" : new StringBuilder("sb");
                        await(Task.yieldNow());
                        return Async.done(cs.length());
                    }
                """;
        assertEquals(3, run(body, "length", true));
        assertEquals(2, run(body, "length", false));
    }

    @Test
    void arraysOfDifferentElementTypesMerged() throws Exception {
        String body = """
                    public static Future<Integer> arrays(boolean s) {
                        Object[] a = s ? new String[] {"s"} : new Integer[] {1, 2};
                        CharSequence[] c = s ? new String[] {"s"} : new StringBuilder[] {new StringBuilder("x")};
                        await(Task.yieldNow());
                        return Async.done(a.length + c.length + c[0].length());
                    }
                """;
        assertEquals(3, run(body, "arrays", true));
        assertEquals(4, run(body, "arrays", false));
    }

    /**
     * {@code return b ? other : Async.done(1)}: the areturn after Async.done is also reached from the other branch,
     * with a future on the stack; treating every value reaching it as Async.done's made the method complete with
     * the future object itself as its value instead of completing as that future does.
     */
    @Test
    void asyncDoneInOneBranchOfAReturnedConditional() throws Exception {
        String body = """
                    public static Future<Object> choose(boolean b) {
                        await(Task.yieldNow());
                        return b ? Task.yieldNow().map(v -> (Object) "other") : Async.done("done");
                    }
                """;
        assertEquals("other", run(body, "choose", true));
        assertEquals("done", run(body, "choose", false));
    }

    /** Two hundred resume points: labels past a byte (sipush) in the dispatch. */
    @Test
    void manyResumePoints() throws Exception {
        StringBuilder b = new StringBuilder("    public static Future<Long> many() {\n        long sum = 0;\n");
        for (int i = 0; i < 200; i++) {
            b.append("        sum += await(Task.yieldNow().map(x -> ").append(i).append("L));\n");
        }
        b.append("        return Async.done(sum);\n    }\n");
        assertEquals(199L * 200 / 2, run(b.toString(), "many"));
    }

    /**
     * Each await saves and restores every live local, so the compiled size of a method grows with awaits times
     * locals: past the JVM's 64 KiB per method, ASM's MethodTooLargeException came out of the compiler as an internal
     * error. It is a compile problem naming the method now.
     */
    @Test
    void aMethodTooLargeOnceCompiledIsAProblem() throws Exception {
        StringBuilder b = new StringBuilder("    public static Future<Long> huge() {\n        long sum = 0;\n");
        for (int i = 0; i < 200; i++) {
            b.append("        long v").append(i).append(" = await(Task.yieldNow().map(x -> ").append(i)
                    .append("L));\n");
        }
        for (int i = 0; i < 200; i++) {
            b.append("        sum += v").append(i).append(";\n");
        }
        b.append("        return Async.done(sum);\n    }\n");
        AsyncCompileException e = org.junit.jupiter.api.Assertions.assertThrows(AsyncCompileException.class,
                () -> run(b.toString(), "huge"));
        assertEquals(1, e.problems().size());
        String p = e.problems().getFirst();
        org.junit.jupiter.api.Assertions.assertTrue(p.startsWith("C.java:12: in r.C.huge: "), p);
        org.junit.jupiter.api.Assertions.assertTrue(p.contains("64 KiB"), p);
    }
}
