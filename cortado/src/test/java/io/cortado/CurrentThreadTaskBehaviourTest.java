package io.cortado;

import io.cortado.testing.Probe;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskBehaviourTest} on the current-thread runtime, plus what only that flavour promises. */
class CurrentThreadTaskBehaviourTest extends TaskBehaviourTest {

    @Override
    protected AsyncRuntime newRuntime() {
        return AsyncRuntime.builder().currentThread().build();
    }

    @Override
    protected boolean singleThreaded() {
        return true;
    }

    @Test
    void spawnedTasksAreLazyUntilTheRuntimeRunsThem() {
        AtomicInteger polls = new AtomicInteger();
        JoinHandle<Integer> h = rt.spawn(Futures.pollFn(cx -> Poll.ready(polls.incrementAndGet())));
        assertFalse(h.isFinished());
        assertEquals(1, rt.blockOn(h));
        assertEquals(1, polls.get());
        assertTrue(h.isFinished());
        assertEquals(1, rt.blockOn(h), "a finished handle may be polled again: same outcome");
    }

    @Test
    void abortBeforeFirstPollNeverPollsTheFuture() {
        Probe<Integer> probe = new Probe<>();
        JoinHandle<Integer> h = rt.spawn(probe);
        h.abortHandle().abort();
        assertTrue(assertThrows(JoinException.class, () -> rt.blockOn(h)).isCancelled());
        assertEquals(0, probe.polls());
        assertEquals(1, probe.cancels());
    }

    @Test
    void yieldNowLetsOtherTasksRun() {
        List<String> order = new ArrayList<>();
        Future<Void> a = Futures.lazy(() -> order.add("a1")).then(x -> Task.yieldNow())
                .map(x -> { order.add("a2"); return null; });
        Future<Void> b = Futures.lazy(() -> order.add("b1")).then(x -> Task.yieldNow())
                .map(x -> { order.add("b2"); return null; });
        rt.blockOn(Futures.lazy(() -> Futures.join(Task.spawn(a), Task.spawn(b))).then(j -> j));
        assertEquals(List.of("a1", "b1", "a2", "b2"), order);
    }


    @Test
    void controlTasksBeyondTheStreakCapAreNotStranded() {
        // More control tasks than one streak (16) in one pass of eventInterval: the last must still run.
        try (AsyncRuntime small = AsyncRuntime.builder().currentThread().eventInterval(16).build()) {
            int n = small.blockOn(Futures.lazy(() -> {
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < 17; i++) {
                    hs.add(Task.builder().priority(Priority.CONTROL).spawn(Futures.ready(1)));
                }
                return Futures.joinAll(hs);
            }).then(f -> f)).size();
            assertEquals(17, n);
        }
    }

    @Test
    void everyTaskRunsOnTheBlockOnThread() {
        Thread me = Thread.currentThread();
        AtomicReference<Thread> seen = new AtomicReference<>();
        rt.blockOn(rt.spawn(Futures.lazy(() -> {
            seen.set(Thread.currentThread());
            return null;
        })));
        assertSame(me, seen.get());
    }

    @Test
    void blockInPlaceIsRejectedWithAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> rt.blockOn(Futures.lazy(() -> Task.blockInPlace(() -> 1))));
        assertTrue(e.getMessage().contains("spawnBlocking"), e.getMessage());
    }

    @Test
    void secondBlockOnThreadWaitsForTheCoreAndStillCompletes() throws Exception {
        // Thread A drives the runtime; thread B's blockOn polls its own future meanwhile and finishes when woken.
        Probe<String> gateA = new Probe<>();
        Probe<String> gateB = new Probe<>();
        CountDownLatch aDriving = new CountDownLatch(1);
        AtomicReference<String> bResult = new AtomicReference<>();
        Thread a = Thread.ofPlatform().start(() -> rt.blockOn(Futures.pollFn(cx -> {
            aDriving.countDown();
            return gateA.poll(cx);
        })));
        aDriving.await();
        Thread b = Thread.ofPlatform().start(() -> bResult.set(rt.blockOn(gateB)));
        while (gateB.polls() == 0) {
            Thread.onSpinWait(); // B polls its future without the core
        }
        gateB.complete("b done");
        b.join();
        assertEquals("b done", bResult.get());
        gateA.complete("a done");
        a.join();
    }

    @Test
    void joinSetMembersCompletingDuringSpawnAreJoinedExactlyOnce() throws Exception {
        // The runtime is driven by another thread, so members complete while spawn registers them.
        Probe<String> gate = new Probe<>();
        Thread driver = Thread.ofPlatform().start(() -> rt.blockOn(gate));
        int n = 2_000;
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        try (JoinSet<Integer> set = new JoinSet<>(rt.handle())) {
            for (int i = 0; i < n; i++) {
                set.spawn(Futures.ready(i));
            }
            Future<Integer> next = set.joinNext();
            Context cx = Context.of(Waker.noop());
            while (!set.isEmpty()) {
                Poll<Integer> p = next.poll(cx);
                if (p.isReady()) {
                    assertTrue(seen.add(p.value()), "joined twice: " + p.value());
                } else {
                    Thread.onSpinWait();
                }
            }
        }
        assertEquals(n, seen.size());
        gate.complete("done");
        driver.join();
    }

    @Test
    void shutdownWhileAnotherThreadDrivesCancelsItsBlockOn() throws Exception {
        Probe<String> never = new Probe<>();
        Probe<Integer> task = new Probe<>();
        rt.spawn(task);
        CountDownLatch driving = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread driver = Thread.ofPlatform().start(() -> {
            try {
                rt.blockOn(new Future<String>() {
                    @Override
                    public Poll<String> poll(Context cx) {
                        driving.countDown();
                        return never.poll(cx);
                    }

                    @Override
                    public void cancel() {
                        never.cancel();
                    }
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        driving.await();
        assertTrue(rt.shutdown(java.time.Duration.ofSeconds(10)));
        driver.join();
        assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
        assertEquals(1, never.cancels(), "the blockOn future is cancelled");
        assertEquals(1, task.cancels(), "and so is every task");
    }
}
