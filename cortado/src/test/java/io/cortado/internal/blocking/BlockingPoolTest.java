package io.cortado.internal.blocking;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.internal.task.TaskCell;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of {@link BlockingPool}, through the runtime's {@code spawnBlocking}. */
class BlockingPoolTest extends RuntimeTestBase {

    @Test
    void threadsNeverExceedTheBoundAndQueuedWorkWaits() {
        try (AsyncRuntime rt = AsyncRuntime.builder().maxBlockingThreads(3).build()) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            Set<String> names = ConcurrentHashMap.newKeySet();
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                int v = i;
                hs.add(rt.handle().spawnBlocking(() -> {
                    int now = running.incrementAndGet();
                    maxRunning.accumulateAndGet(now, Math::max);
                    names.add(Thread.currentThread().getName());
                    for (int k = 0; k < 20_000; k++) {
                        Thread.onSpinWait();
                    }
                    running.decrementAndGet();
                    return v;
                }));
            }
            List<Integer> out = rt.blockOn(Futures.joinAll(hs));
            assertEquals(30, out.size());
            assertTrue(maxRunning.get() <= 3, "at most 3 at once, saw " + maxRunning.get());
            assertTrue(names.size() <= 3, "at most 3 threads, saw " + names);
        }
    }

    @Test
    void anIdleThreadIsReusedInsteadOfStartingAnother() {
        BlockingPool pool = new BlockingPool(8, 10_000_000_000L, "cortado-test");
        try {
            Set<String> names = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 20; i++) {
                TaskCell<Boolean> t = new TaskCell<>(new BlockingFuture<>(
                        () -> names.add(Thread.currentThread().getName())), pool);
                pool.schedule(t);
                // The worker wakes the joiner before it is back to idle; wait until it is, so the next call
                // finds an idle thread (rule 2). Without the wait a call may start a second thread: allowed.
                awaitCondition(() -> t.isFinished() && pool.idleCount() == pool.threadCount(), "the thread is idle");
            }
            assertEquals(1, names.size(), "an idle thread is reused: " + names);
            assertEquals(1, pool.threadCount());
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10_000_000_000L));
        }
    }

    @Test
    void idleThreadsLeaveAfterKeepAlive() {
        try (AsyncRuntime rt = AsyncRuntime.builder().threadKeepAlive(Duration.ofMillis(20)).build()) {
            rt.blockOn(rt.handle().spawnBlocking(() -> 1));
            // yields while it waits: a spin would keep a core from the thread that is to leave
            awaitCondition(() -> cortadoThreads().stream().noneMatch(n -> n.contains("-blocking-")),
                    "the idle blocking thread leaves after its keep-alive");
            assertEquals(2, rt.blockOn(rt.handle().spawnBlocking(() -> 2)), "a new thread starts on demand");
        }
    }

    @Test
    void abortBeforeStartCancelsQueuedWork() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().maxBlockingThreads(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            JoinHandle<Integer> busy = rt.handle().spawnBlocking(() -> {
                started.countDown();
                release.await();
                return 1;
            });
            AtomicInteger ran = new AtomicInteger();
            JoinHandle<Integer> queued = rt.handle().spawnBlocking(ran::incrementAndGet);
            started.await();
            queued.abort();
            release.countDown();
            assertEquals(1, rt.blockOn(busy));
            assertTrue(assertThrows(JoinException.class, () -> rt.blockOn(queued)).isCancelled());
            assertEquals(0, ran.get(), "aborted before it started: never ran");
        }
    }

    @Test
    void closingTheRuntimeFromItsOwnBlockingWorkIsRejected() {
        try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
            JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(rt.handle().spawnBlocking(() -> {
                rt.shutdown(Duration.ofSeconds(1));
                return 0;
            })));
            assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
            assertTrue(e.getCause().getMessage().contains("wait for itself"), e.getCause().getMessage());
        }
    }

    @Test
    void twoSubmissionsNeverShareOneIdleThread() throws Exception {
        // Each of two tasks waits for the other: they must run at the same time, on two threads.
        try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
            rt.blockOn(rt.handle().spawnBlocking(() -> 0)); // leaves one idle thread
            CountDownLatch both = new CountDownLatch(2);
            JoinHandle<Boolean> a = rt.handle().spawnBlocking(() -> {
                both.countDown();
                return both.await(10, java.util.concurrent.TimeUnit.SECONDS);
            });
            JoinHandle<Boolean> b = rt.handle().spawnBlocking(() -> {
                both.countDown();
                return both.await(10, java.util.concurrent.TimeUnit.SECONDS);
            });
            assertTrue(rt.blockOn(a));
            assertTrue(rt.blockOn(b));
        }
    }

    @Test
    void shutdownWaitsForRunningWorkWithABound() throws Exception {
        AsyncRuntime rt = AsyncRuntime.builder().build();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        JoinHandle<Integer> stuck = rt.handle().spawnBlocking(() -> {
            started.countDown();
            release.await();
            return 1;
        });
        started.await();
        assertFalse(rt.shutdown(Duration.ofMillis(50)), "blocking work still running: not everything stopped");
        release.countDown();
        rt.close(); // waits for it
        assertTrue(stuck.isFinished());
        JoinHandle<Integer> late = rt.handle().spawnBlocking(() -> 2);
        assertTrue(assertThrows(JoinException.class,
                () -> late.poll(io.cortado.Context.of(io.cortado.Waker.noop()))).isCancelled());
    }
}
