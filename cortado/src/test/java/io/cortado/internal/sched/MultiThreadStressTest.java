package io.cortado.internal.sched;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.RuntimeMetrics;
import io.cortado.Task;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multi-thread scheduler under load: every task runs exactly once and none is lost, across spawns from
 * inside and outside, wakes while running and while being stolen, and shutdown while busy; idle workers park.
 */
class MultiThreadStressTest extends RuntimeTestBase {

    private static AsyncRuntime runtime(int workers) {
        return AsyncRuntime.builder().multiThread().workerThreads(workers).seed(7).build();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void millionsOfTasksEachRunExactlyOnce() {
        int n = 1_000_000 * stressScale();
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        try (AsyncRuntime rt = runtime(4)) {
            // spawned from inside in fan-outs of 1,000, so the local queues overflow and workers steal
            long total = rt.blockOn(Futures.lazy(() -> {
                List<JoinHandle<Long>> batches = new ArrayList<>();
                for (int b = 0; b < n / 1_000; b++) {
                    int base = b * 1_000;
                    batches.add(Task.spawn(Futures.lazy(() -> {
                        List<JoinHandle<Integer>> hs = new ArrayList<>(1_000);
                        for (int i = 0; i < 1_000; i++) {
                            int id = base + i;
                            hs.add(Task.spawn(Futures.lazy(() -> {
                                runs.incrementAndGet(id);
                                return 1;
                            })));
                        }
                        return Futures.joinAll(hs).map(l -> (long) l.size());
                    }).then(f -> f)));
                }
                return Futures.joinAll(batches);
            }).then(f -> f).map(l -> l.stream().mapToLong(Long::longValue).sum()));
            assertEquals(n, total);
            // Overflow hands most of the fan-out to the inject queue, so the run above may need no steal at all.
            // One more fan-out that fits in a local queue, of tasks busy for a while: the idle workers it notifies
            // find the inject queue empty and must steal from the busy worker's queue.
            long stolenBefore = steals(rt);
            int stolenRun = rt.blockOn(Futures.lazy(() -> {
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    hs.add(Task.spawn(Futures.lazy(() -> {
                        long until = System.nanoTime() + 50_000;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        return 1;
                    })));
                }
                return Futures.joinAll(hs);
            }).then(f -> f).map(List::size));
            assertEquals(200, stolenRun);
            assertTrue(steals(rt) > stolenBefore, "no worker stole from a busy worker's queue");
        }
        for (int i = 0; i < n; i++) {
            if (runs.get(i) != 1) {
                throw new AssertionError("task " + i + " ran " + runs.get(i) + " times");
            }
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void remoteSpawnsFromManyThreadsAllRun() throws Exception {
        int perThread = 50_000 * stressScale();
        AtomicInteger ran = new AtomicInteger();
        try (AsyncRuntime rt = runtime(2)) {
            List<JoinHandle<Integer>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread[] spawners = new Thread[4];
            for (int t = 0; t < spawners.length; t++) {
                spawners[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        all.add(rt.spawn(Futures.lazy(ran::incrementAndGet)));
                    }
                });
            }
            for (Thread t : spawners) {
                t.join();
            }
            rt.blockOn(Futures.joinAll(new ArrayList<>(all)));
            assertEquals(4 * perThread, ran.get());
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void wakesWhileRunningAndWhileStolenAreNeverLost() throws Exception {
        int tasks = 1_000;
        int target = 200 * stressScale();
        AtomicInteger wokenWhileRunning = new AtomicInteger();
        try (AsyncRuntime rt = runtime(4)) {
            List<SchedulerStressTest.Signal> signals = new ArrayList<>();
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                SchedulerStressTest.Signal s = new SchedulerStressTest.Signal();
                signals.add(s);
                // each poll yields half the time, so tasks are requeued, stolen and woken all at once
                int[] polls = {0};
                hs.add(rt.spawn(cx -> {
                    int before = s.count.get();
                    s.waiter = cx.waker();
                    if (before >= target) {
                        return Poll.ready(before);
                    }
                    if ((++polls[0] & 1) == 0) {
                        cx.waker().wake();
                    }
                    if (s.count.get() != before) {
                        wokenWhileRunning.incrementAndGet(); // a bump's wake landed during this poll
                    }
                    return Poll.pending();
                }));
            }
            Thread[] bumpers = new Thread[2];
            for (int t = 0; t < bumpers.length; t++) {
                int offset = t;
                bumpers[t] = Thread.ofPlatform().start(() -> {
                    for (int round = 0; round < target; round++) {
                        for (int i = offset; i < tasks; i += 2) {
                            signals.get(i).bump();
                        }
                    }
                });
            }
            List<Integer> out = rt.blockOn(Futures.joinAll(hs));
            for (Thread t : bumpers) {
                t.join();
            }
            out.forEach(c -> assertEquals(target, c, "each signal is bumped exactly target times"));
            // the races this test exists for happened
            assertTrue(wokenWhileRunning.get() > 0, "no wake landed while its task was running");
            // (steals are not forced here: the tasks mostly move through the inject queue; the fan-out test above
            // forces and counts them)
            assertTrue(rt.handle().metrics().totalPolls() > 2L * tasks, "tasks were not polled again and again");
        }
    }

    @Test
    void shutdownWhileBusyCancelsEverythingAndStopsEveryThread() {
        AtomicInteger cancelled = new AtomicInteger();
        AsyncRuntime rt = runtime(4);
        int n = 10_000;
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(rt.spawn(new Future<Void>() {
                @Override
                public Poll<Void> poll(Context cx) {
                    cx.waker().wake(); // busy forever: always runnable
                    return Poll.pending();
                }

                @Override
                public void cancel() {
                    cancelled.incrementAndGet();
                }
            }));
        }
        assertTrue(rt.shutdown(Duration.ofSeconds(30)));
        assertEquals(n, cancelled.get(), "every task cancelled exactly once");
        hs.forEach(h -> assertTrue(h.isFinished()));
        assertEquals(0, rt.handle().aliveTasks());
    }

    @Test
    void idleWorkersPark() {
        try (AsyncRuntime rt = runtime(4)) {
            rt.blockOn(rt.spawn(Futures.ready(1)));
            MultiThreadScheduler s = scheduler(rt);
            awaitCondition(() -> s.parkedWorkers() == s.workerCount(), "all idle workers parked");
            assertEquals(1, rt.blockOn(rt.spawn(Futures.ready(1))), "and wake up for new work");
        }
    }

    private static long steals(AsyncRuntime rt) {
        RuntimeMetrics m = rt.handle().metrics();
        long sum = 0;
        for (int w = 0; w < m.workers(); w++) {
            sum += m.stealCount(w);
        }
        return sum;
    }

    static MultiThreadScheduler scheduler(AsyncRuntime rt) {
        try {
            var f = AsyncRuntime.class.getDeclaredField("core");
            f.setAccessible(true);
            return (MultiThreadScheduler) f.get(rt);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
