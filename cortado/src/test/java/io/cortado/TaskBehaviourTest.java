package io.cortado;

import io.cortado.testing.Probe;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Task behaviour that every runtime flavour must show. Each flavour is a subclass that supplies
 * {@link #newRuntime()} (tokio's {@code rt_common.rs} pattern).
 */
abstract class TaskBehaviourTest extends RuntimeTestBase {
    protected AsyncRuntime rt;

    /** @return a fresh runtime of the flavour under test */
    protected abstract AsyncRuntime newRuntime();

    /** @return whether all tasks of this flavour run on one thread (so interleavings are deterministic) */
    protected abstract boolean singleThreaded();

    @BeforeEach
    void start() {
        rt = newRuntime();
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    @Test
    void spawnRunsTheTaskAndTheHandleGivesItsValue() {
        int v = rt.blockOn(Futures.lazy(() -> Task.spawn(Futures.lazy(() -> 40 + 2))).then(h -> h));
        assertEquals(42, v);
    }

    @Test
    void wakeBeforePendingIsNotLost() {
        // The future wakes itself from another thread *before* returning Pending, every time.
        AtomicInteger polls = new AtomicInteger();
        int rounds = 200;
        Future<Integer> f = cx -> {
            int n = polls.incrementAndGet();
            if (n == rounds) {
                return Poll.ready(n);
            }
            Thread t = Thread.ofPlatform().start(cx.waker()::wake);
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return Poll.pending();
        };
        assertEquals(rounds, rt.blockOn(rt.spawn(f)));
    }

    @Test
    void wakesFromOtherThreadsReachIdleTasks() throws Exception {
        Probe<String> probe = new Probe<>();
        JoinHandle<String> h = rt.spawn(probe);
        Thread completer = Thread.ofPlatform().start(() -> {
            while (probe.polls() == 0) {
                Thread.onSpinWait(); // until the task has run once and gone idle
            }
            probe.complete("from outside");
        });
        String v = rt.blockOn(h);
        completer.join();
        assertEquals("from outside", v);
    }

    @Test
    void failureReachesTheJoinHandleAndBlockOnRethrowsAsIs() {
        IllegalStateException boom = new IllegalStateException("boom");
        JoinHandle<Integer> h = rt.spawn(Futures.failed(boom));
        JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(h));
        assertTrue(e.isFailed());
        assertFalse(e.isCancelled());
        assertSame(boom, e.getCause());
        assertSame(boom, assertThrows(IllegalStateException.class, () -> rt.blockOn(Futures.failed(boom))));
        assertEquals(3, rt.blockOn(Futures.ready(3)), "a failed task does not kill the runtime");
    }

    @Test
    void abortIdleTaskCancelsItsFuture() {
        Probe<Integer> probe = new Probe<>();
        JoinHandle<Integer> h = rt.spawn(probe);
        rt.blockOn(Task.yieldNow()); // drives the current-thread flavour
        awaitCondition(() -> probe.polls() == 1, "the task ran once"); // and went idle (Probe is pending)
        h.abort();
        JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(h));
        assertTrue(e.isCancelled());
        assertEquals(1, probe.cancels(), "abort runs the future's cancel() exactly once");
        h.abort();
        assertEquals(1, probe.cancels(), "abort is idempotent");
    }

    @Test
    void abortOfRunningTaskTakesEffectWhenItsPollReturnsPending() {
        AtomicReference<JoinHandle<Integer>> self = new AtomicReference<>();
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger cancels = new AtomicInteger();
        CountDownLatch spawned = new CountDownLatch(1);
        Future<Integer> f = new Future<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                polls.incrementAndGet();
                try {
                    spawned.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                self.get().abort(); // abort while this very poll runs
                cx.waker().wake();
                return Poll.pending();
            }

            @Override
            public void cancel() {
                cancels.incrementAndGet();
            }
        };
        JoinHandle<Integer> h = rt.spawn(f);
        self.set(h);
        spawned.countDown();
        assertTrue(assertThrows(JoinException.class, () -> rt.blockOn(h)).isCancelled());
        assertEquals(1, polls.get(), "a task aborted while running is not polled again");
        assertEquals(1, cancels.get());
    }

    @Test
    void abortAfterCompletionKeepsTheValue() {
        JoinHandle<String> h = rt.spawn(Futures.ready("kept"));
        assertEquals("kept", rt.blockOn(h));
        h.abort();
        assertEquals("kept", rt.blockOn(h));
        assertTrue(h.isFinished());
    }

    @Test
    void readyPollWinsOverConcurrentAbort() {
        AtomicReference<JoinHandle<String>> self = new AtomicReference<>();
        CountDownLatch spawned = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawn(Futures.pollFn(cx -> {
            try {
                spawned.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            self.get().abort();
            return Poll.ready("won");
        }));
        self.set(h);
        spawned.countDown();
        assertEquals("won", rt.blockOn(h));
    }

    @Test
    void cancellingAHandleDetachesTheTask() {
        AtomicBoolean ran = new AtomicBoolean();
        Probe<Void> gate = new Probe<>();
        JoinHandle<Void> detached = rt.spawn(gate.map(v -> {
            ran.set(true);
            return null;
        }));
        // a select whose loser is the handle: the handle is cancelled, the task must go on
        Either<Integer, Void> w = rt.blockOn(Futures.selectBiased(Futures.ready(1), detached));
        assertTrue(w.isLeft());
        gate.complete(null);
        rt.blockOn(Task.yieldNow()); // drives the current-thread flavour
        awaitCondition(ran::get, "a detached task keeps running");
        assertEquals(0, gate.cancels());
    }

    @Test
    void abortOnCancelAbortsTheTask() {
        Probe<Integer> probe = new Probe<>();
        JoinHandle<Integer> h = rt.spawn(probe);
        Either<String, Integer> w = rt.blockOn(Futures.selectBiased(Futures.ready("first"), h.abortOnCancel()));
        assertEquals(Either.left("first"), w);
        assertTrue(assertThrows(JoinException.class, () -> rt.blockOn(h)).isCancelled());
        assertEquals(1, probe.cancels());
    }

    @Test
    void budgetForcesAnAlwaysReadyTaskToYield() {
        // The spinner never waits: each poll it spends budget in a loop until the flag is set. Without a budget it
        // would keep the only thread forever; with it, the setter gets to run.
        AtomicBoolean flag = new AtomicBoolean();
        AtomicInteger forcedYields = new AtomicInteger();
        Future<Integer> spinner = cx -> {
            int ops = 0;
            while (!flag.get()) {
                Poll<Void> p = Task.consumeBudget().poll(cx);
                if (!p.isReady()) {
                    forcedYields.incrementAndGet();
                    return Poll.pending();
                }
                ops++;
            }
            return Poll.ready(ops);
        };
        int ops = rt.blockOn(Futures.lazy(() -> {
            JoinHandle<Integer> s = Task.spawn(spinner);
            Task.spawn(Futures.lazy(() -> {
                flag.set(true);
                return null;
            }));
            return s;
        }).then(s -> s));
        assertTrue(ops <= Context.TASK_BUDGET, "no more than one budget per poll, got " + ops);
        if (singleThreaded()) {
            assertTrue(forcedYields.get() >= 1, "on one thread the spinner must have been forced to yield");
        }
    }

    @Test
    void joinAllOfMoreTasksThanOneBudgetFinishes() {
        // 500 finished handles cost 500 budget units; the join must yield and continue, not spin.
        int n = 500;
        long sum = rt.blockOn(Futures.lazy(() -> {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                hs.add(Task.spawn(Futures.ready(i)));
            }
            return Task.yieldNow().then(v -> Futures.joinAll(hs));
        }).then(f -> f).map(l -> l.stream().mapToLong(Integer::longValue).sum()));
        assertEquals((long) n * (n - 1) / 2, sum);
    }

    @Test
    void joinHandlePollSpendsBudget() {
        JoinHandle<Integer> h = rt.spawn(Futures.ready(1));
        rt.blockOn(h);
        io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
        Context broke = w.contextWithBudget(0);
        assertFalse(h.poll(broke).isReady(), "no budget: pending even though finished");
        assertEquals(1, w.wakes(), "and the task is woken to retry");
        assertEquals(1, h.poll(w.contextWithBudget(1)).value());
    }

    @Test
    void joinSetJoinsInCompletionOrder() {
        Probe<String> slow = new Probe<>();
        List<String> got = rt.blockOn(Futures.lazy(() -> {
            JoinSet<String> set = new JoinSet<>();
            set.spawn(slow);
            set.spawn(Futures.ready("fast"));
            List<String> out = new ArrayList<>();
            Future<String> next = set.joinNext();
            return Futures.<List<String>>pollFn(cx -> {
                while (!set.isEmpty()) {
                    Poll<String> p = next.poll(cx);
                    if (!p.isReady()) {
                        if (out.contains("fast")) {
                            slow.complete("slow"); // only now: "fast" must come out first
                        }
                        return Poll.pending();
                    }
                    out.add(p.value());
                }
                return Poll.ready(out);
            });
        }).then(f -> f));
        assertEquals(List.of("fast", "slow"), got);
    }

    @Test
    void joinSetReportsFailuresAndEmptiness() {
        rt.blockOn(Futures.lazy(() -> {
            JoinSet<Integer> set = new JoinSet<>();
            assertThrows(NoSuchElementException.class, () -> set.joinNext().poll(Context.of(Waker.noop())));
            set.spawn(Futures.failed(new IllegalStateException("member failed")));
            return set.joinNext().map(v -> {
                throw new AssertionError("expected a failure, got " + v);
            }).fuse();
        }).then(f -> Futures.pollFn(cx -> {
            try {
                return f.poll(cx).map(v -> null);
            } catch (JoinException e) {
                assertEquals("member failed", e.getCause().getMessage());
                return Poll.ready(null);
            }
        })));
    }

    @Test
    void closingAJoinSetAbortsWhatIsStillRunning() {
        Probe<Integer> a = new Probe<>();
        Probe<Integer> b = new Probe<>();
        AbortHandle[] handles = new AbortHandle[2];
        rt.blockOn(Futures.lazy(() -> {
            try (JoinSet<Integer> set = new JoinSet<>()) {
                handles[0] = set.spawn(a);
                handles[1] = set.spawn(b);
                assertEquals(2, set.size());
            }
            return null;
        }).then(x -> Task.yieldNow()));
        awaitCondition(() -> handles[0].isFinished() && handles[1].isFinished(), "aborted members finish");
        assertEquals(1, a.cancels());
        assertEquals(1, b.cancels());
    }

    @Test
    void joinSetAbortAllReportsCancelled() {
        Probe<Integer> a = new Probe<>();
        int cancelled = rt.blockOn(Futures.lazy(() -> {
            JoinSet<Integer> set = new JoinSet<>(Handle.current());
            set.spawn(a);
            set.abortAll();
            Future<Integer> next = set.joinNext();
            return Futures.pollFn(cx -> {
                try {
                    return next.poll(cx).map(v -> 0);
                } catch (JoinException e) {
                    return Poll.ready(e.isCancelled() ? 1 : 0);
                }
            });
        }).then(f -> f));
        assertEquals(1, cancelled);
    }

    @Test
    void ambientDiscoveryFindsTheRuntime() {
        Handle inside = rt.blockOn(Futures.lazy(Handle::current));
        assertEquals(rt.handle(), inside);
        assertTrue(Handle.tryCurrent().isEmpty(), "no runtime outside blockOn");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Task.spawn(Futures.ready(1)));
        assertTrue(e.getMessage().contains("AsyncRuntime.run"), e.getMessage());
        assertTrue(e.getMessage().contains("Handle"), e.getMessage());
    }

    @Test
    void handleSpawnsFromAnyThreadWithoutAmbientState() throws Exception {
        Handle h = rt.handle();
        AtomicReference<JoinHandle<Integer>> spawned = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> spawned.set(h.spawn(Futures.ready(9))));
        t.join();
        assertEquals(9, rt.blockOn(spawned.get()));
    }

    @Test
    void blockOnFromInsideTheRuntimeIsRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rt.blockOn(Futures.lazy(() -> rt.blockOn(Futures.ready(1)))));
        assertTrue(e.getMessage().contains("cannot block its own runtime"), e.getMessage());
    }

    @Test
    void spawnBlockingRunsOnTheBlockingPool() {
        String caller = Thread.currentThread().getName();
        String ran = rt.blockOn(Futures.lazy(() -> Task.spawnBlocking(() -> Thread.currentThread().getName()))
                .then(h -> h));
        assertNotEquals(caller, ran);
        assertTrue(ran.startsWith("cortado-blocking-"), ran);
        Exception checked = new java.io.IOException("disk");
        JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(rt.handle().spawnBlocking(() -> {
            throw checked;
        })));
        assertSame(checked, e.getCause().getCause(), "a checked exception arrives wrapped, with its cause");
    }

    @Test
    void blockingWorkCanSpawnTasks() {
        int v = rt.blockOn(rt.handle().spawnBlocking(() -> Task.spawn(Futures.ready(5))).then(h -> h));
        assertEquals(5, v);
    }

    @Test
    void blockInPlaceOutsideARuntimeJustRuns() {
        assertEquals(3, Task.<Integer>blockInPlace(() -> 3));
    }

    @Test
    void shutdownCancelsEveryTaskAndLaterSpawnsAreCancelled() {
        List<Probe<Integer>> probes = new ArrayList<>();
        List<JoinHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Probe<Integer> p = new Probe<>();
            probes.add(p);
            handles.add(rt.spawn(p));
        }
        rt.blockOn(Task.yieldNow());
        assertEquals(100, rt.handle().aliveTasks());
        assertTrue(rt.shutdown(java.time.Duration.ofSeconds(10)));
        assertTrue(rt.isShutdown());
        for (int i = 0; i < 100; i++) {
            assertEquals(1, probes.get(i).cancels(), "task " + i + " cancelled once");
            assertTrue(handles.get(i).isFinished());
        }
        assertEquals(0, rt.handle().aliveTasks());
        Probe<Integer> late = new Probe<>();
        JoinHandle<Integer> lateHandle = rt.spawn(late);
        assertTrue(lateHandle.isFinished(), "spawn after shutdown gives a cancelled handle");
        assertEquals(1, late.cancels());
        JoinException e = assertThrows(JoinException.class,
                () -> lateHandle.poll(Context.of(Waker.noop())));
        assertTrue(e.isCancelled());
        assertThrows(IllegalStateException.class, () -> rt.blockOn(Futures.ready(1)));
    }

    @Test
    void shutdownFromInsideTheRuntimeIsRejected() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rt.blockOn(Futures.lazy(() -> rt.shutdown(java.time.Duration.ZERO))));
        assertTrue(e.getMessage().contains("after blockOn returns"), e.getMessage());
    }

    @Test
    void manyTasksAllComplete() {
        int n = 10_000 * stressScale();
        long sum = rt.blockOn(Futures.lazy(() -> {
            List<JoinHandle<Integer>> hs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int v = i;
                hs.add(Task.spawn(Task.yieldNow().map(x -> v)));
            }
            return Futures.joinAll(hs);
        }).then(all -> all).map(l -> l.stream().mapToLong(Integer::longValue).sum()));
        assertEquals((long) n * (n - 1) / 2, sum);
    }

    @Test
    void blockOnWaitsForWakesFromOtherThreads() throws Exception {
        Probe<String> p = new Probe<>();
        CountDownLatch polled = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                assertTrue(polled.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                return;
            }
            p.complete("woken");
        });
        String v = rt.blockOn(Futures.pollFn(cx -> {
            Poll<String> r = p.poll(cx);
            polled.countDown();
            return r;
        }));
        t.join();
        assertEquals("woken", v);
    }

    @Test
    void detachAllEmptiesTheSetAndLetsItsMembersRunOn() {
        Probe<Integer> a = new Probe<>();
        Probe<Integer> b = new Probe<>();
        AbortHandle[] handles = new AbortHandle[2];
        int sizeAfter = rt.blockOn(Futures.lazy(() -> {
            JoinSet<Integer> set = new JoinSet<>();
            handles[0] = set.spawn(a);
            handles[1] = set.spawn(b);
            set.detachAll();
            int size = set.size();
            return yieldUntil(() -> a.polls() > 0 && b.polls() > 0).map(v -> {
                set.close(); // closing the set no longer reaches them
                a.complete(1);
                b.complete(2);
                return size;
            }).then(n -> yieldUntil(() -> handles[0].isFinished() && handles[1].isFinished()).map(v -> n));
        }).then(f -> f));
        assertEquals(0, sizeAfter, "detached members leave the set");
        assertEquals(0, a.cancels(), "detached, not aborted: they ran to completion");
        assertEquals(0, b.cancels());
    }

    /** Yields (wakes itself) until {@code condition} holds: other tasks run meanwhile, on either flavour. */
    private static Future<Void> yieldUntil(java.util.function.BooleanSupplier condition) {
        return cx -> {
            if (condition.getAsBoolean()) {
                return Poll.ready(null);
            }
            cx.waker().wake();
            return Poll.pending();
        };
    }
}
