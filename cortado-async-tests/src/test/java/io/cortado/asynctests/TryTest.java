package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** try/catch/finally and try-with-resources around, and with awaits inside, every part. */
class TryTest extends AsyncTestBase {
    static Future<String> nested(List<String> log, boolean failInner, boolean failOuter) {
        try {
            log.add("outer try " + await(Later.value(1)));
            try {
                log.add("inner try " + await(Later.value(2)));
                if (failInner) {
                    throw new IllegalStateException("inner");
                }
            } catch (IllegalStateException e) {
                log.add("inner catch " + e.getMessage() + " " + await(Later.value(3)));
                if (failOuter) {
                    throw new IllegalArgumentException("outer");
                }
            } finally {
                log.add("inner finally " + await(Later.value(4)));
            }
            log.add("after inner");
        } catch (IllegalArgumentException e) {
            log.add("outer catch " + e.getMessage());
            return Async.done("caught " + await(Later.value(e.getMessage())));
        } finally {
            log.add("outer finally " + await(Later.value(5)));
        }
        return Async.done("normal");
    }

    static Future<String> finallyOnAFailureThatEscapes(List<String> log) {
        try {
            await(Later.value(0));
            throw new UnsupportedOperationException("escapes");
        } finally {
            log.add("finally " + await(Later.value("ran")));
        }
    }

    static Future<String> finallyAfterAReturn(List<String> log) {
        int x = 0;
        try {
            x = await(Later.value(1));
            return Async.done("try " + x);
        } finally {
            log.add("finally sees x=" + x);
        }
    }

    static Future<String> resources(List<String> log, boolean fail) {
        try (Res a = new Res("a", log); Res b = new Res("b", log)) {
            a.use();
            int v = await(Later.value(7));
            b.use();
            if (fail) {
                throw new IllegalStateException("body failed");
            }
            return Async.done("v=" + v);
        } catch (IllegalStateException e) {
            log.add("catch " + e.getMessage() + " suppressed " + e.getSuppressed().length);
            return Async.done("failed");
        }
    }

    static Future<String> resourceWhoseCloseFails(List<String> log) {
        try (Res a = new Res("a", log, new IllegalStateException("close failed"))) {
            log.add(a.use() + await(Later.value("!")));
            throw new IllegalArgumentException("body failed");
        }
    }

    static Future<String> awaitedResource(List<String> log) {
        try (Res r = await(Later.value(new Res("late", log)))) {
            return Async.done(r.use() + await(Later.value(1)));
        }
    }

    static Future<Integer> returnValueKeptAcrossAnAwaitInFinally(List<String> log) {
        try {
            return Async.done(await(Later.value(41)) + 1);
        } finally {
            log.add("finally awaited " + await(Later.value("x")));
        }
    }

    static Future<String> multiCatch(int which) {
        try {
            await(Later.value(0));
            switch (which) {
                case 0 -> throw new IllegalStateException("state");
                case 1 -> throw new UnsupportedOperationException("unsupported");
                default -> {
                    return Async.done("none");
                }
            }
        } catch (IllegalStateException | UnsupportedOperationException e) {
            String kind = await(Later.value(e.getClass().getSimpleName()));
            return Async.done(kind + ": " + e.getMessage());
        }
    }

    static Future<String> secondResourceAwaited(List<String> log) {
        try (Res a = new Res("a", log); Res b = await(Later.value(new Res("b-" + a.use(), log)))) {
            return Async.done(b.use());
        }
    }

    @Test
    void nestedTryCatchFinallyNormalPath() {
        List<String> log = log();
        assertEquals("normal", run(nested(log, false, false)));
        assertEquals(List.of("outer try 1", "inner try 2", "inner finally 4", "after inner", "outer finally 5"), log);
    }

    @Test
    void nestedTryCatchFinallyInnerCatch() {
        List<String> log = log();
        assertEquals("normal", run(nested(log, true, false)));
        assertEquals(List.of("outer try 1", "inner try 2", "inner catch inner 3", "inner finally 4", "after inner",
                "outer finally 5"), log);
    }

    @Test
    void nestedTryCatchFinallyRethrownToTheOuterCatch() {
        List<String> log = log();
        assertEquals("caught outer", run(nested(log, true, true)));
        assertEquals(List.of("outer try 1", "inner try 2", "inner catch inner 3", "inner finally 4",
                "outer catch outer", "outer finally 5"), log);
    }

    @Test
    void finallyWithAnAwaitRunsWhenTheFailureEscapes() {
        List<String> log = log();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> run(finallyOnAFailureThatEscapes(log)));
        assertEquals("escapes", e.getMessage());
        assertEquals(List.of("finally ran"), log);
    }

    @Test
    void finallyRunsAfterAReturnInTry() {
        List<String> log = log();
        assertEquals("try 1", run(finallyAfterAReturn(log)));
        assertEquals(List.of("finally sees x=1"), log);
    }

    @Test
    void tryWithResourcesClosesInReverseOrderNormally() {
        List<String> log = log();
        assertEquals("v=7", run(resources(log, false)));
        assertEquals(List.of("open a", "open b", "use a", "use b", "close b", "close a"), log);
    }

    @Test
    void tryWithResourcesClosesOnFailure() {
        List<String> log = log();
        assertEquals("failed", run(resources(log, true)));
        assertEquals(List.of("open a", "open b", "use a", "use b", "close b", "close a",
                "catch body failed suppressed 0"), log);
    }

    @Test
    void aCloseThatFailsIsSuppressedByTheBodysFailure() {
        List<String> log = log();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(resourceWhoseCloseFails(log)));
        assertEquals(1, e.getSuppressed().length);
        assertEquals("close failed", assertInstanceOf(IllegalStateException.class, e.getSuppressed()[0]).getMessage());
        assertEquals(List.of("open a", "use a", "a!", "close a"), log);
    }

    @Test
    void anAwaitedResource() {
        List<String> log = log();
        assertEquals("late1", run(awaitedResource(log)));
        assertEquals(List.of("open late", "use late", "close late"), log);
    }

    @Test
    void theReturnValueSurvivesAnAwaitInFinally() {
        List<String> log = log();
        assertEquals(42, run(returnValueKeptAcrossAnAwaitInFinally(log)));
        assertEquals(List.of("finally awaited x"), log);
    }

    @Test
    void multiCatchWithAnAwaitInTheHandler() {
        assertEquals("IllegalStateException: state", run(multiCatch(0)));
        assertEquals("UnsupportedOperationException: unsupported", run(multiCatch(1)));
        assertEquals("none", run(multiCatch(2)));
    }

    @Test
    void aResourceInitialisedByAnAwaitAfterAnother() {
        List<String> log = log();
        assertEquals("b-a", run(secondResourceAwaited(log)));
        assertEquals(List.of("open a", "use a", "open b-a", "use b-a", "close b-a", "close a"), log);
    }
}
