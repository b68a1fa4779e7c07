package io.cortado.asynctests;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.cortado.async.Async;
import io.cortado.stream.Stream;
import io.cortado.time.Sleep;
import io.cortado.time.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancelling an async method's future in every state: it cancels the awaited future, then runs the method's
 * finally blocks and closes its resources, as if the await had thrown a CancellationException.
 */
class CancellationTest extends AsyncTestBase {
    /** Three nested scopes, each suspended at its own gate. */
    static Future<String> threeAwaits(List<String> log, Gate<Integer> g1, Gate<Integer> g2, Gate<Integer> g3) {
        try (Res outer = new Res("outer", log)) {
            log.add("a=" + await(g1));
            try (Res inner = new Res("inner", log)) {
                log.add("b=" + await(g2) + " " + outer.use());
                try {
                    log.add("c=" + await(g3) + " " + inner.use());
                } finally {
                    log.add("finally 3");
                }
            } finally {
                log.add("finally 2");
            }
        } catch (CancellationException e) {
            log.add("cancelled: " + e.getMessage());
            throw e;
        } finally {
            log.add("finally 1");
        }
        return Async.done("done");
    }

    private static List<Gate<Integer>> gates() {
        return List.of(new Gate<>("g1"), new Gate<>("g2"), new Gate<>("g3"));
    }

    private static Future<String> threeAwaits(List<String> log, List<Gate<Integer>> g) {
        return threeAwaits(log, g.get(0), g.get(1), g.get(2));
    }

    @Test
    void beforeTheFirstPollNothingRuns() {
        List<String> log = log();
        List<Gate<Integer>> g = gates();
        Future<String> f = threeAwaits(log, g);
        f.cancel();
        f.cancel();
        assertEquals(List.of(), log);
        for (Gate<Integer> gate : g) {
            assertEquals(0, gate.polls());
            assertFalse(gate.cancelled());
        }
    }

    @ParameterizedTest(name = "suspended at await {0}")
    @ValueSource(ints = {1, 2, 3})
    void suspendedAtAnAwait(int at) {
        List<String> log = log();
        List<Gate<Integer>> g = gates();
        Driver<String> d = new Driver<>(threeAwaits(log, g));
        d.pending();
        for (int k = 1; k < at; k++) {
            g.get(k - 1).complete(k * 10);
            d.pending();
        }
        int pollsBefore = g.get(at - 1).polls();
        d.future.cancel();
        assertTrue(g.get(at - 1).cancelled(), "the awaited future was cancelled");
        assertEquals(pollsBefore, g.get(at - 1).polls(), "and not polled again");
        for (int k = at; k < 3; k++) {
            assertEquals(0, g.get(k).polls(), "later awaits are never reached");
        }
        String message = "cancelled: the async method was cancelled while awaiting";
        List<String> expected = switch (at) {
            case 1 -> List.of("open outer", "close outer", message, "finally 1");
            case 2 -> List.of("open outer", "a=10", "open inner", "close inner", "finally 2", "close outer", message,
                    "finally 1");
            default -> List.of("open outer", "a=10", "open inner", "use outer", "b=20 outer", "finally 3",
                    "close inner", "finally 2", "close outer", message, "finally 1");
        };
        assertEquals(expected, log);
        int size = log.size();
        d.future.cancel();
        assertEquals(size, log.size(), "cancel is idempotent");
    }

    @Test
    void afterCompletionCancelIsANoOp() {
        List<String> log = log();
        List<Gate<Integer>> g = gates();
        g.forEach(gate -> gate.complete(1));
        Driver<String> d = new Driver<>(threeAwaits(log, g));
        assertEquals("done", d.ready());
        int size = log.size();
        assertEquals("finally 1", log.getLast());
        d.future.cancel();
        assertEquals(size, log.size(), "no finally block runs twice");
        g.forEach(gate -> assertFalse(gate.cancelled()));
    }

    static Future<Integer> tail(List<String> log, Gate<Integer> first, Gate<Integer> tail) {
        try {
            await(first);
        } finally {
            log.add("finally");
        }
        return tail; // the frame polls it in its place
    }

    @Test
    void whileInTheReturnedTailFutureTheTailIsCancelled() {
        List<String> log = log();
        Gate<Integer> first = new Gate<>("first");
        Gate<Integer> t = new Gate<>("tail");
        Driver<Integer> d = new Driver<>(tail(log, first, t));
        d.pending();
        first.complete(1);
        d.pending();
        assertEquals(1, t.polls());
        assertEquals(List.of("finally"), log);
        d.future.cancel();
        assertTrue(t.cancelled());
        assertFalse(first.cancelled(), "the completed await is not cancelled");
        assertEquals(List.of("finally"), log, "the method's finally ran once, when it returned");
    }

    static Future<Void> awaitsInFinally(List<String> log, Gate<Integer> g, Gate<Integer> other) {
        try {
            await(g);
            log.add("never");
        } finally {
            try {
                await(other);
                log.add("awaited while cancelling");
            } catch (CancellationException e) {
                log.add("await failed at once");
            }
            log.add("finally done");
        }
        return Async.done(null);
    }

    @Test
    void anAwaitReachedWhileCancellingFailsAtOnce() {
        List<String> log = log();
        Gate<Integer> g = new Gate<>("g");
        Gate<Integer> other = new Gate<>("other");
        other.complete(1); // even a ready future is not polled while cancelling
        Driver<Void> d = new Driver<>(awaitsInFinally(log, g, other));
        d.pending();
        d.future.cancel();
        assertTrue(g.cancelled());
        assertEquals(0, other.polls(), "the await in finally did not poll");
        assertEquals(List.of("await failed at once", "finally done"), log);
    }

    static Future<String> swallowsTheCancellation(List<String> log, Gate<Integer> g) {
        try {
            await(g);
        } catch (CancellationException e) {
            log.add("caught");
        }
        log.add("goes on");
        try {
            await(Futures.ready(1));
        } catch (CancellationException e) {
            log.add("the next await fails too");
        }
        return Async.done("ignored");
    }

    @Test
    void aMethodThatCatchesTheCancellationStillEnds() {
        List<String> log = log();
        Gate<Integer> g = new Gate<>("g");
        Driver<String> d = new Driver<>(swallowsTheCancellation(log, g));
        d.pending();
        d.future.cancel();
        assertEquals(List.of("caught", "goes on", "the next await fails too"), log);
    }

    static Stream<Integer> generatorWithResource(List<String> log, Gate<Integer> g) {
        try (Res r = new Res("gen", log)) {
            Async.yield(1);
            Async.yield(await(g) + r.use().length());
        } finally {
            log.add("generator finally");
        }
        return Async.end();
    }

    @Test
    void aGeneratorCancelledAtAYieldOrAnAwait() {
        List<String> log = log();
        Gate<Integer> g = new Gate<>("g");
        Stream<Integer> s = generatorWithResource(log, g);
        assertEquals(1, new Driver<>(s.next()).ready());
        s.cancel();
        assertEquals(List.of("open gen", "close gen", "generator finally"), log);
        assertEquals(0, g.polls());

        List<String> log2 = log();
        Stream<Integer> s2 = generatorWithResource(log2, g);
        assertEquals(1, new Driver<>(s2.next()).ready());
        new Driver<>(s2.next()).pending();
        s2.cancel();
        assertTrue(g.cancelled());
        assertEquals(List.of("open gen", "close gen", "generator finally"), log2);
    }

    static Future<Void> sleeper(List<String> log) {
        try (Res r = new Res("socket", log)) {
            r.use();
            await(Sleep.sleep(Duration.ofHours(1)));
        } finally {
            log.add("finally");
        }
        return Async.done(null);
    }

    @Test
    void abortingASpawnedTask() {
        List<String> log = log();
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            JoinHandle<Void> h = rt.spawn(sleeper(log));
            rt.blockOn(Async.fn(() -> {
                while (log.size() < 2) {
                    await(Task.yieldNow());
                }
                return null;
            }));
            h.abort();
            JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(h));
            assertTrue(e.isCancelled());
        }
        assertEquals(List.of("open socket", "use socket", "close socket", "finally"), log);
    }

    @Test
    void aTimeoutCancelsTheMethodOnAMultiThreadRuntime() {
        List<String> log = log();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            assertThrows(TimeoutException.class, () -> rt.blockOn(Async.fn(() ->
                    await(sleeper(log).timeout(Duration.ofMillis(20))))));
        }
        assertEquals(List.of("open socket", "use socket", "close socket", "finally"), log);
    }
}
