package io.cortado;

import io.cortado.testing.Probe;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The select family, race, tryJoinAll, orElse and CompletionStage interop: who wins, who is cancelled, how often. */
class CombinatorTest extends RuntimeTestBase {

    private static <T> Poll<T> poll(Future<T> f) {
        return f.poll(Context.of(new TestWaker()));
    }

    @Test
    void selectOverManyCancelsEveryLoserExactlyOnce() {
        Probe<Integer> a = new Probe<>();
        Probe<Integer> b = new Probe<>();
        Probe<Integer> c = new Probe<>();
        Future<Selected<Integer>> s = Futures.select(List.of(a, b, c));
        assertFalse(poll(s).isReady());
        b.complete(7);
        Poll<Selected<Integer>> p = poll(s);
        assertEquals(new Selected<>(1, 7), p.value());
        assertEquals(1, a.cancels());
        assertEquals(0, b.cancels(), "the winner is not cancelled");
        assertEquals(1, c.cancels());
        s.cancel();
        assertEquals(1, a.cancels(), "exactly once");
    }

    @Test
    void aFailingBranchFailsTheSelectAndCancelsTheOthers() {
        Probe<Integer> a = new Probe<>();
        Probe<Integer> b = new Probe<>();
        Future<Selected<Integer>> s = Futures.select(List.of(a, b), null);
        assertFalse(poll(s).isReady());
        b.fail(new IllegalStateException("boom"));
        assertThrows(IllegalStateException.class, () -> poll(s));
        assertEquals(1, a.cancels());
    }

    @Test
    void selectWithASeedIsFairAndReproducible() {
        int[] wins = new int[3];
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < 30_000; i++) {
            Future<Selected<Integer>> s = Futures.select(
                    List.of(Futures.ready(0), Futures.ready(1), Futures.ready(2)), rng);
            wins[poll(s).value().index()]++;
        }
        for (int w : wins) {
            assertTrue(Math.abs(w - 10_000) < 600, "every branch goes first about a third of the time: "
                    + java.util.Arrays.toString(wins));
        }
        int[] again = new int[3];
        SplittableRandom rng2 = new SplittableRandom(42);
        for (int i = 0; i < 30_000; i++) {
            again[poll(Futures.select(List.of(Futures.ready(0), Futures.ready(1), Futures.ready(2)), rng2)).value()
                    .index()]++;
        }
        assertEquals(java.util.Arrays.toString(wins), java.util.Arrays.toString(again), "same seed, same choices");
        assertEquals(0, poll(Futures.select(List.of(Futures.ready(0), Futures.ready(1)), null)).value().index(),
                "biased: list order");
    }

    @Test
    void theLoopFormKeepsTheOtherBranchesAliveAndSkipsFinishedFusedOnes() {
        Probe<String> timer = new Probe<>();
        FusedFuture<String> fusedTimer = timer.fuse();
        Probe<String> first = new Probe<>();
        Future<Selected<String>> s1 = Futures.selectLoop(List.of(fusedTimer, first), null);
        assertFalse(poll(s1).isReady());
        first.complete("message");
        assertEquals(new Selected<>(1, "message"), poll(s1).value());
        assertEquals(0, timer.cancels(), "the timer branch stays alive for the next iteration");
        s1.cancel();
        assertEquals(0, timer.cancels(), "cancelling a loop select cancels nothing");
        Probe<String> second = new Probe<>();
        Future<Selected<String>> s2 = Futures.selectLoop(List.of(fusedTimer, second), null);
        assertFalse(poll(s2).isReady());
        timer.complete("tick");
        assertEquals(new Selected<>(0, "tick"), poll(s2).value());
        assertTrue(fusedTimer.isTerminated());
        Future<Selected<String>> s3 = Futures.selectLoop(List.of(fusedTimer, second), null);
        assertFalse(poll(s3).isReady(), "the finished fused branch is disabled; the other still waits");
        second.complete("late");
        assertEquals(new Selected<>(1, "late"), poll(s3).value());
        assertThrows(IllegalStateException.class, () -> poll(Futures.selectLoop(List.of(fusedTimer), null)),
                "every branch disabled");
    }

    @Test
    void raceTakesTheFirstSuccessAndFailsOnlyWhenAllFail() {
        Probe<Integer> a = new Probe<>();
        Probe<Integer> b = new Probe<>();
        Future<Integer> r = Futures.race(List.of(a, b));
        assertFalse(poll(r).isReady());
        a.fail(new IllegalStateException("a failed"));
        assertFalse(poll(r).isReady(), "a failure does not win");
        b.complete(2);
        assertEquals(2, poll(r).value());
        Future<Integer> allFail = Futures.race(List.of(Futures.failed(new IllegalStateException("x")),
                Futures.failed(new IllegalArgumentException("y"))));
        RuntimeException e = assertThrows(RuntimeException.class, () -> poll(allFail));
        assertEquals(1, e.getSuppressed().length, "the other failure is attached");
        assertThrows(IllegalArgumentException.class, () -> Futures.race(List.of()));
    }

    @Test
    void tryJoinAllFailsFastAndCancelsTheRest() {
        Probe<Integer> a = new Probe<>();
        Probe<Integer> b = new Probe<>();
        Future<List<Integer>> j = Futures.tryJoinAll(List.of(a, b));
        assertFalse(poll(j).isReady());
        b.fail(new IllegalStateException("b failed"));
        assertThrows(IllegalStateException.class, () -> poll(j));
        assertEquals(1, a.cancels(), "the other future is cancelled at once");
    }

    @Test
    void tryJoinFailsFastAndCancelsTheOther() {
        Probe<Integer> a = new Probe<>();
        Probe<String> b = new Probe<>();
        Future<Tuple2<Integer, String>> j = Futures.tryJoin(a, b);
        assertFalse(poll(j).isReady());
        a.fail(new IllegalStateException("a failed"));
        assertThrows(IllegalStateException.class, () -> poll(j));
        assertEquals(1, b.cancels());
    }

    @Test
    void orElseRecovers() {
        assertEquals(-1, poll(Futures.<Integer>failed(new IllegalStateException()).orElse(e -> -1)).value());
        assertEquals(5, poll(Futures.ready(5).orElse(e -> -1)).value());
    }

    @Test
    void completionStagesInteroperate() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            CompletableFuture<String> cf = new CompletableFuture<>();
            JoinHandle<String> h = rt.spawn(Futures.fromCompletionStage(cf));
            Thread.ofPlatform().start(() -> cf.complete("done"));
            assertEquals("done", rt.blockOn(h));
            CompletableFuture<String> failing = CompletableFuture.failedFuture(new IllegalStateException("bad"));
            JoinException e = assertThrows(JoinException.class,
                    () -> rt.blockOn(rt.spawn(Futures.fromCompletionStage(failing))));
            assertTrue(e.getCause() instanceof IllegalStateException, "unwrapped: " + e.getCause());
            CompletableFuture<String> never = new CompletableFuture<>();
            Future<String> f = Futures.fromCompletionStage(never);
            f.cancel();
            assertTrue(never.isCancelled(), "cancelling the future cancels the stage");

            CompletableFuture<Integer> out = Futures.toCompletableFuture(Futures.lazy(() -> 41 + 1), rt.handle());
            assertEquals(42, out.get());
            Probe<Integer> forever = new Probe<>();
            CompletableFuture<Integer> cancelMe = Futures.toCompletableFuture(forever, rt.handle());
            awaitCondition(() -> forever.polls() > 0, "the task runs");
            cancelMe.cancel(false);
            awaitCondition(() -> forever.cancels() == 1, "cancelling the CompletableFuture aborts the task");
            assertThrows(CancellationException.class, cancelMe::join);
            CompletableFuture<Integer> failed = Futures.toCompletableFuture(
                    Futures.failed(new IllegalArgumentException("x")), rt.handle());
            ExecutionException ee = assertThrows(ExecutionException.class, failed::get);
            assertSame(IllegalArgumentException.class, ee.getCause().getClass());
        }
    }

    @Test
    void aCompletableFutureOfATaskCompletesCancelledWhenItsRuntimeShutsDown() throws Exception {
        AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build();
        Probe<Integer> forever = new Probe<>();
        CompletableFuture<Integer> pending = Futures.toCompletableFuture(forever, rt.handle());
        awaitCondition(() -> forever.polls() > 0, "the task runs");
        rt.close();
        assertThrows(CancellationException.class, () -> pending.get(10, java.util.concurrent.TimeUnit.SECONDS),
                "shut down before the task ended");
        CompletableFuture<Integer> late = Futures.toCompletableFuture(Futures.ready(1), rt.handle());
        assertThrows(CancellationException.class, () -> late.get(10, java.util.concurrent.TimeUnit.SECONDS),
                "created on a closed runtime");
    }
}
