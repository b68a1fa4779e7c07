package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.RuntimeMetrics;
import io.cortado.Task;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.Futures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RuntimeMetrics} match what a known workload did, on both flavours. */
class MetricsTest extends RuntimeTestBase {

    /** Spends {@code n} budget units in one poll (so more than the budget forces a yield), then completes. */
    static Future<Integer> budgetHog(int n) {
        int[] spent = {0};
        return cx -> {
            while (spent[0] < n) {
                if (!cx.consumeBudget()) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                spent[0]++;
            }
            return Poll.ready(n);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void countersMatchAKnownWorkload(String flavor) {
        AsyncRuntime.Builder b = flavor.equals("current") ? AsyncRuntime.builder().currentThread()
                : AsyncRuntime.builder().multiThread().workerThreads(2);
        try (AsyncRuntime rt = b.metricsPollTiming(true).build()) {
            RuntimeMetrics before = rt.handle().metrics();
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                hs.add(rt.spawn(TracingTest.chatty(i, 3))); // 4 polls each
            }
            JoinHandle<Integer> hog = rt.spawn(budgetHog(3 * io.cortado.Context.TASK_BUDGET)); // 2 forced yields
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
            rt.blockOn(hog);
            rt.blockOn(rt.handle().spawnBlocking(() -> 1));
            RuntimeMetrics m = rt.handle().metrics();
            int workers = flavor.equals("current") ? 1 : 2;
            assertEquals(workers, m.workers());
            assertTrue(m.totalPolls() - before.totalPolls() >= 500 * 4 + 3, "polls: " + m.totalPolls());
            long forced = 0;
            long busy = 0;
            for (int w = 0; w < workers; w++) {
                forced += m.budgetForcedYields(w);
                busy += m.busyTime(w).toNanos();
                assertEquals(0, m.localQueueDepth(w), "every task completed: nothing queued on worker " + w);
            }
            assertEquals(2, forced, "the hog was forced to yield twice");
            assertTrue(busy > 0, "poll timing on: busy time recorded");
            assertEquals(m.totalPolls(), Arrays.stream(m.pollDurationHistogram()).sum(),
                    "every timed poll is in the histogram");
            assertEquals(m.totalPolls(), Arrays.stream(m.scheduleLatencyHistogram()).sum(),
                    "every poll was scheduled first, and its wait is in the schedule-latency histogram");
            assertEquals(0, m.globalQueueDepth(), "nothing left queued");
            assertTrue(m.blockingThreads() >= 1, "a blocking thread was started");
            assertTrue(m.pollTiming());
            assertEquals(flavor.equals("current") ? "current_thread" : "multi_thread", m.flavor());
            assertThrows(IllegalArgumentException.class, () -> m.pollCount(workers));
            assertEquals(1024, RuntimeMetrics.bucketUpperBound(0).toNanos());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void parksAreCountedAndPollTimingIsOffByDefault(String flavor) {
        AsyncRuntime.Builder b = flavor.equals("current") ? AsyncRuntime.builder().currentThread()
                : AsyncRuntime.builder().multiThread().workerThreads(2);
        try (AsyncRuntime rt = b.build()) {
            for (int round = 0; round < 20; round++) { // bursts with idle gaps: workers park between them
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    hs.add(rt.spawn(Task.yieldNow().map(v -> 1)));
                }
                for (JoinHandle<Integer> h : hs) {
                    rt.blockOn(h);
                }
                // an idle gap with a timer pending: the current-thread core and the idle workers park
                rt.blockOn(io.cortado.time.Sleep.sleep(rt.handle().clock(), java.time.Duration.ofMillis(1)));
            }
            RuntimeMetrics m = rt.handle().metrics();
            long parks = 0;
            for (int w = 0; w < m.workers(); w++) {
                parks += m.parkCount(w);
                assertEquals(0, m.busyTime(w).toNanos(), "no timing unless asked");
            }
            assertTrue(parks > 0, "workers parked between bursts");
            assertTrue(m.totalPolls() >= 20 * 50 * 2);
            assertEquals(0, Arrays.stream(m.pollDurationHistogram()).sum());
            assertEquals(0, Arrays.stream(m.scheduleLatencyHistogram()).sum());
        }
    }

    @Test
    void theGlobalQueueDepthCountsTasksSpawnedOffTheRuntime() {
        // Current-thread: tasks spawned from a thread that is not driving the runtime wait in its inject queue.
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                hs.add(rt.spawn(Task.yieldNow().map(v -> 1)));
            }
            assertEquals(7, rt.handle().metrics().globalQueueDepth());
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
            assertEquals(0, rt.handle().metrics().globalQueueDepth());
        }
        // Multi-thread: both workers held inside a poll, so what is spawned from outside stays in the inject queue.
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2)
                .blockedWorkerThreshold(Duration.ZERO).build()) {
            CountDownLatch inside = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<JoinHandle<Integer>> blockers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                blockers.add(rt.spawn(Futures.lazy(() -> {
                    inside.countDown();
                    awaitLatch(release);
                    return 0;
                })));
            }
            awaitLatch(inside);
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                hs.add(rt.spawn(Task.yieldNow().map(v -> 1)));
            }
            assertEquals(9, rt.handle().metrics().globalQueueDepth(), "nine tasks in the inject queue");
            release.countDown();
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
            for (JoinHandle<Integer> h : blockers) {
                rt.blockOn(h);
            }
            assertEquals(0, rt.handle().metrics().globalQueueDepth());
        }
    }

    @Test
    void localQueueDepthCountsTasksQueuedOnTheDrivingThread() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            int depth = rt.blockOn(Futures.lazy(() -> {
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    hs.add(Task.spawn(Futures.lazy(() -> 1)));
                }
                int queued = rt.handle().metrics().localQueueDepth(0);
                return Futures.joinAll(hs).map(all -> queued);
            }).then(f -> f));
            assertEquals(5, depth, "five tasks spawned by the driving thread wait in its queue");
            assertEquals(0, rt.handle().metrics().localQueueDepth(0));
        }
    }

    @Test
    void aWorkerHeldInAPollHasItsQueueCountedAndStolen() {
        // P, held inside its poll on one worker, spawns children into that worker's queue while the other worker
        // is held too; then the other worker is let go, and the children can only run there by stealing them.
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2)
                .blockedWorkerThreshold(Duration.ZERO).build()) {
            CountDownLatch holderIn = new CountDownLatch(1);
            CountDownLatch holderRelease = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            int children = 5;
            JoinHandle<Integer> holder = rt.spawn(Futures.lazy(() -> {
                holderIn.countDown();
                awaitLatch(holderRelease);
                return 0;
            }));
            JoinHandle<int[]> parent = rt.spawn(Futures.lazy(() -> {
                awaitLatch(holderIn);
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < children; i++) {
                    hs.add(Task.spawn(Futures.lazy(ran::incrementAndGet)));
                }
                RuntimeMetrics queued = rt.handle().metrics();
                int depth = 0;
                for (int w = 0; w < queued.workers(); w++) {
                    depth += queued.localQueueDepth(w);
                }
                long stealsBefore = 0;
                for (int w = 0; w < queued.workers(); w++) {
                    stealsBefore += queued.stealCount(w);
                }
                holderRelease.countDown();
                // still inside this poll: what ran meanwhile ran on the other worker, taken from this one's queue
                awaitCondition(() -> ran.get() >= children - 1, "the other worker ran the queued children");
                RuntimeMetrics after = rt.handle().metrics();
                long steals = 0;
                for (int w = 0; w < after.workers(); w++) {
                    steals += after.stealCount(w);
                }
                int[] result = {depth, (int) (steals - stealsBefore)};
                return Futures.joinAll(hs).map(all -> result);
            }).then(f -> f));
            int[] r = rt.blockOn(parent);
            rt.blockOn(holder);
            // one child waits in the worker's next-task slot, which only its own worker runs; the others are queued
            assertEquals(children - 1, r[0], "the children queued on the held worker");
            assertTrue(r[1] >= 1, "the other worker stole them: " + r[1]);
            assertEquals(children, ran.get());
        }
    }

    @Test
    void theBlockingPoolReportsWorkInFlightAndIdleThreads() {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(1).maxBlockingThreads(1)
                .threadKeepAlive(Duration.ofMinutes(5)).build()) {
            RuntimeMetrics idle = rt.handle().metrics();
            assertEquals(0, idle.blockingInFlight());
            assertEquals(0, idle.blockingThreads());
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<JoinHandle<Integer>> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                jobs.add(rt.handle().spawnBlocking(() -> {
                    started.countDown();
                    awaitLatch(release);
                    return n;
                }));
            }
            awaitLatch(started);
            RuntimeMetrics busy = rt.handle().metrics();
            assertEquals(3, busy.blockingInFlight(), "one running and two queued behind the single thread");
            assertEquals(1, busy.blockingThreads());
            assertEquals(0, busy.blockingIdleThreads(), "its only thread is busy");
            release.countDown();
            for (int i = 0; i < 3; i++) {
                assertEquals(i, rt.blockOn(jobs.get(i)));
            }
            awaitCondition(() -> rt.handle().metrics().blockingIdleThreads() == 1, "the thread went idle");
            RuntimeMetrics done = rt.handle().metrics();
            assertEquals(0, done.blockingInFlight(), "nothing in flight once every job completed");
            assertEquals(1, done.blockingThreads(), "the idle thread is kept alive for reuse");
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "latch");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
