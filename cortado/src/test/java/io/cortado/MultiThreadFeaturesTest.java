package io.cortado;

import io.cortado.testing.Probe;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** blockInPlace, the watchdog, priority classes, the unhandled-exception policy and the thread hooks. */
class MultiThreadFeaturesTest extends RuntimeTestBase {

    @Test
    void blockInPlaceKeepsTheOtherTasksRunning() throws Exception {
        // One worker. A task blocks in place until another task has run: only possible if the worker's queue was
        // handed to another thread first.
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(1).build()) {
            CountDownLatch otherRan = new CountDownLatch(1);
            JoinHandle<Boolean> blocker = rt.spawn(Futures.lazy(() -> {
                Task.spawn(Futures.lazy(() -> {
                    otherRan.countDown();
                    return null;
                }));
                return Task.blockInPlace(() -> otherRan.await(10, TimeUnit.SECONDS));
            }));
            assertTrue(rt.blockOn(blocker), "the other task ran while the first one blocked in place");
            assertEquals(7, rt.blockOn(rt.spawn(Futures.ready(7))), "the runtime keeps working afterwards");
        }
    }

    @Test
    void spawnsAfterAnUnhandledShutdownAreCancelled() {
        for (int round = 0; round < 50; round++) { // the race between the failure and a spawn, many times
            try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2)
                    .unhandledException(UnhandledExceptionPolicy.SHUTDOWN_RUNTIME).build()) {
                JoinHandle<Integer> bad = rt.spawn(Futures.failed(new IllegalStateException("x")));
                awaitCondition(rt::isShutdown, "the failure shut the runtime down");
                awaitCondition(bad::isFinished, "the failed task completed");
                JoinHandle<Integer> late = rt.spawn(Futures.ready(1));
                assertTrue(late.isFinished(), "round " + round + ": a spawn after the shutdown is cancelled at "
                        + "once, not stranded");
            }
        }
    }

    @Test
    void blockOnIsAllowedInsideBlockInPlace() {
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(1).build()) {
            AsyncRuntime other = AsyncRuntime.builder().currentThread().build();
            try {
                int v = rt.blockOn(rt.spawn(Futures.lazy(
                        () -> Task.blockInPlace(() -> other.blockOn(Futures.ready(3))))));
                assertEquals(3, v);
                int w = rt.blockOn(rt.spawn(Futures.lazy(
                        () -> Task.blockInPlace(() -> rt.handle().blockOn(Futures.ready(4))))));
                assertEquals(4, w, "like Tokio: blocking code may block on its own runtime");
            } finally {
                other.close();
            }
        }
    }

    @Test
    void watchdogReportsABlockedWorkerOnce() throws Exception {
        List<BlockedWorker> reports = new CopyOnWriteArrayList<>();
        // a threshold that a trivial poll preempted on a loaded machine does not reach: the test's last check
        // (short polls are never reported) depends on it; the blocked poll below waits for the report whatever it is
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2)
                .blockedWorkerThreshold(Duration.ofSeconds(1)).onBlockedWorker(reports::add).build()) {
            CountDownLatch reported = new CountDownLatch(1);
            JoinHandle<Integer> h = Task.builder().name("sleepy").spawnOn(rt.handle(), Futures.lazy(() -> {
                // a blocking mistake: wait inside a poll until the watchdog has reported it
                while (reports.isEmpty()) {
                    Thread.onSpinWait();
                }
                reported.countDown();
                return 1;
            }));
            assertEquals(1, rt.blockOn(h));
            BlockedWorker b = reports.get(0);
            assertEquals("sleepy", b.taskName());
            assertTrue(b.workerThread().startsWith("cortado-worker-"), b.workerThread());
            assertTrue(b.blockedFor().toMillis() >= 1000, "reported after the threshold: " + b.blockedFor());
            assertTrue(b.stack().stream().anyMatch(e -> e.getClassName().contains("MultiThreadFeaturesTest")),
                    "the report carries the worker's stack");
            assertTrue(b.describe().contains("spawnBlocking"), b.describe());
            int before = reports.size();
            assertEquals(2, rt.blockOn(rt.spawn(Futures.ready(2))));
            assertEquals(before, reports.size(), "a poll is reported once, and short polls never");
        }
    }

    @Test
    void aTaskInABlockedWorkersLifoSlotRunsElsewhere() throws Exception {
        List<BlockedWorker> reports = new CopyOnWriteArrayList<>();
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2)
                .blockedWorkerThreshold(Duration.ofMillis(20)).onBlockedWorker(reports::add).build()) {
            for (int round = 0; round < 3; round++) {
                CountDownLatch ran = new CountDownLatch(1);
                JoinHandle<Boolean> blocker = rt.spawn(Futures.lazy(() -> {
                    Task.spawn(Futures.lazy(() -> { // woken on this worker: its LIFO slot, no other worker told
                        ran.countDown();
                        return null;
                    }));
                    try { // a blocking mistake that waits for the task it just spawned
                        return ran.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
                assertTrue(rt.blockOn(blocker), "the LIFO task waited for its blocked worker (round " + round + ")");
            }
            assertTrue(reports.size() >= 3, "each block was seen by the watchdog: " + reports.size());
        }
    }

    @Test
    void controlTasksRunBeforeQueuedDataTasks() {
        // One worker, busy with a long queue of data tasks; a control task spawned behind them runs next.
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(1).build()) {
            List<String> order = new CopyOnWriteArrayList<>();
            rt.blockOn(Futures.lazy(() -> {
                List<JoinHandle<Void>> hs = new ArrayList<>();
                hs.add(Task.spawn(Futures.lazy(() -> {
                    for (int i = 0; i < 100; i++) {
                        int n = i;
                        hs.add(Task.spawn(Futures.lazy(() -> {
                            order.add("data" + n);
                            return null;
                        })));
                    }
                    hs.add(Task.builder().priority(Priority.CONTROL).spawn(Futures.lazy(() -> {
                        order.add("control");
                        return null;
                    })));
                    return null;
                })));
                return Task.yieldNow();
            }));
            awaitCondition(() -> order.size() == 101, "all tasks ran");
            assertTrue(order.indexOf("control") <= 1,
                    "the control task ran ahead of the queued data tasks, at " + order.indexOf("control"));
        }
    }

    @Test
    void dataTasksAreNotStarvedByBusyControlTasks() {
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(1).build()) {
            AtomicInteger controlPolls = new AtomicInteger();
            Probe<Void> stop = new Probe<>();
            for (int i = 0; i < 4; i++) {
                rt.handle().spawn(Priority.CONTROL, cx -> {
                    if (stop.polls() > 0) {
                        return Poll.ready(null);
                    }
                    controlPolls.incrementAndGet();
                    cx.waker().wake(); // always runnable
                    return Poll.pending();
                });
            }
            // a data task must still get to run
            assertEquals(5, rt.blockOn(rt.spawn(Futures.lazy(() -> {
                stop.poll(Context.of(Waker.noop()));
                return 5;
            }))));
            assertTrue(controlPolls.get() > 0);
        }
    }

    @Test
    void unhandledFailureCanShutTheRuntimeDown() {
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2)
                .unhandledException(UnhandledExceptionPolicy.SHUTDOWN_RUNTIME).build()) {
            IllegalStateException boom = new IllegalStateException("boom");
            Probe<Integer> never = new Probe<>();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.blockOn(
                    Futures.lazy(() -> rt.spawn(Futures.failed(boom))).then(h -> never)));
            assertSame(boom, e.getCause());
            assertTrue(rt.isShutdown());
        }
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread()
                .unhandledException(UnhandledExceptionPolicy.SHUTDOWN_RUNTIME).build()) {
            IllegalStateException boom = new IllegalStateException("boom");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.blockOn(
                    Futures.lazy(() -> rt.spawn(Futures.failed(boom))).then(h -> new Probe<Integer>())));
            assertSame(boom, e.getCause());
        }
    }

    @Test
    void ignoredFailuresLeaveTheRuntimeRunning() {
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2).build()) {
            assertThrows(JoinException.class, () -> rt.blockOn(rt.spawn(Futures.failed(new RuntimeException()))));
            assertEquals(1, rt.blockOn(rt.spawn(Futures.ready(1))));
        }
    }

    @Test
    void threadHooksRunOnWorkerThreads() {
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        AtomicInteger parks = new AtomicInteger();
        AtomicInteger unparks = new AtomicInteger();
        AtomicReference<String> startedOn = new AtomicReference<>();
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2).threadNamePrefix("cortado-hooks")
                .onThreadStart(() -> {
                    starts.incrementAndGet();
                    startedOn.set(Thread.currentThread().getName());
                })
                .onThreadStop(stops::incrementAndGet)
                .onThreadPark(parks::incrementAndGet)
                .onThreadUnpark(unparks::incrementAndGet)
                .build()) {
            awaitCondition(() -> starts.get() == 2, "both workers started");
            awaitCondition(() -> parks.get() >= 2, "idle workers parked");
            rt.blockOn(rt.spawn(Futures.ready(1)));
            awaitCondition(() -> unparks.get() >= 1, "a worker unparked for the task");
        }
        assertEquals(2, stops.get());
        assertTrue(startedOn.get().startsWith("cortado-hooks-worker-"), startedOn.get());
    }

    @Test
    void builderChecksWorkerCount() {
        assertEquals("workerThreads : 0 (expected: 1 to 32767)", assertThrows(IllegalArgumentException.class,
                () -> AsyncRuntime.builder().workerThreads(0)).getMessage());
        assertEquals("blockedWorkerThreshold : PT-0.001S (expected: >= 0)",
                assertThrows(IllegalArgumentException.class,
                        () -> AsyncRuntime.builder().blockedWorkerThreshold(Duration.ofMillis(-1))).getMessage());
    }

    private static Future<Integer> yields(int n) {
        int[] left = {n};
        return cx -> {
            if (left[0]-- == 0) {
                return Poll.ready(n);
            }
            cx.waker().wake();
            return Poll.pending();
        };
    }

    @Test
    void aYieldingTaskFinishesNextToAnEndlessOneAndTheLoserIsAborted() {
        // An endless yielding task shares the workers with a short one: the short one finishes (no starvation),
        // wins the select, and the endless loser is aborted by abortOnCancel.
        for (int workers = 1; workers <= 2; workers++) {
            try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(workers).build()) {
                for (int round = 0; round < 50; round++) {
                    JoinHandle<Integer> endless = rt.spawn(yields(Integer.MAX_VALUE));
                    JoinHandle<Integer> fast = rt.spawn(yields(16));
                    Either<Integer, Integer> w = rt.blockOn(Futures.select(endless.abortOnCancel(),
                            fast.abortOnCancel()));
                    assertEquals(Either.right(16), w, "workers=" + workers + " round " + round);
                    assertTrue(assertThrows(JoinException.class, () -> rt.blockOn(endless)).isCancelled());
                }
            }
        }
    }

    @Test
    void defaultRuntimeIsMultiThread() {
        String flavor = AsyncRuntime.run(Futures.lazy(() -> Handle.current().flavor()));
        assertEquals("multi_thread", flavor);
        String thread = AsyncRuntime.run(Futures.lazy(() -> Task.spawn(Futures.lazy(
                () -> Thread.currentThread().getName()))).then(h -> h));
        assertNotEquals(Thread.currentThread().getName(), thread);
    }
}
