package io.cortado.internal.task;

import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OwnedTasks}: counting, lazy sweeping with bounded garbage, and close racing binds from many threads. */
class OwnedTasksTest extends RuntimeTestBase {

    private static TaskCell<Integer> readyTask(RecordingScheduler s) {
        return new TaskCell<>(Futures.ready(1), s);
    }

    private static TaskCell<Integer> pendingTask(RecordingScheduler s) {
        return new TaskCell<>(cx -> Poll.pending(), s);
    }

    /** Runs a freshly spawned task once (its initial state is NOTIFIED), which completes a ready one. */
    private static void runAndComplete(OwnedTasks owned, TaskCell<?> t, int owner) {
        t.run();
        assertTrue(t.isFinished());
        owned.completed(t, owner);
    }

    @Test
    void countsBindsAndCompletionsFromOwnersAndOthers() {
        RecordingScheduler s = new RecordingScheduler();
        OwnedTasks owned = new OwnedTasks(2, 4);
        List<TaskCell<Integer>> ts = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            TaskCell<Integer> t = readyTask(s);
            assertTrue(owned.bind(t, i % 3 - 1)); // owners -1 (shared), 0 and 1
            ts.add(t);
        }
        assertEquals(30, owned.size());
        for (int i = 0; i < 20; i++) {
            runAndComplete(owned, ts.get(i), i % 3 - 1);
        }
        assertEquals(10, owned.size());
        TaskCell<Integer> unbound = readyTask(s);
        unbound.run();
        owned.completed(unbound, 0); // never bound: not counted (rule 6)
        assertEquals(10, owned.size());
        List<TaskCell<?>> open = owned.close();
        assertEquals(10, open.size(), "close returns the live tasks only (rule 3)");
        assertTrue(Collections.disjoint(open, ts.subList(0, 20)));
        assertFalse(owned.bind(readyTask(s), 0), "bind after close fails (rule 2)");
        assertFalse(owned.bind(readyTask(s), -1));
        assertEquals(10, owned.close().size(), "close is idempotent");
    }

    @Test
    void rejectsBadShardCounts() {
        assertThrows(IllegalArgumentException.class, () -> new OwnedTasks(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new OwnedTasks(1, 0));
    }

    @Test
    void completedTasksAreSweptSoGarbageStaysBounded() {
        RecordingScheduler s = new RecordingScheduler();
        OwnedTasks owned = new OwnedTasks(1, 1);
        List<TaskCell<Integer>> live = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            TaskCell<Integer> t = pendingTask(s);
            assertTrue(owned.bind(t, 0));
            t.run(); // polled once, stays pending
            live.add(t);
        }
        for (int i = 0; i < 100_000; i++) {
            TaskCell<Integer> t = readyTask(s);
            assertTrue(owned.bind(t, 0));
            runAndComplete(owned, t, 0);
            int linked = owned.linked();
            assertTrue(linked <= 4 * 101 + 2 * OwnedTasks.SWEEP_SLACK, "rule 4: linked " + linked + " at " + i);
        }
        assertEquals(100, owned.size());
        assertEquals(Set.copyOf(live), Set.copyOf(owned.close()));
    }

    @Test
    void idleSweepDropsCompletedTasksOnlyWhenThereAreEnough() {
        RecordingScheduler s = new RecordingScheduler();
        OwnedTasks owned = new OwnedTasks(1, 1);
        List<TaskCell<Integer>> ts = new ArrayList<>();
        int n = 4 * OwnedTasks.IDLE_SWEEP_MIN; // half in the owner's shard, half in the one shared shard
        for (int i = 0; i < n; i++) {
            TaskCell<Integer> t = pendingTask(s);
            assertTrue(owned.bind(t, i % 2 == 0 ? -1 : 0));
            t.run(); // polled once: pending, so the binds' sweeps keep it
            ts.add(t);
        }
        assertEquals(n, owned.linked());
        for (int i = 0; i < 100; i++) { // too few completed tasks for an idle sweep
            ts.get(i).abort();
        }
        while (s.runOne()) {
            // runs the aborted tasks: they complete as cancelled
        }
        for (int i = 0; i < 100; i++) {
            owned.completed(ts.get(i), i % 2 == 0 ? -1 : 0);
        }
        owned.sweepIdle(0, OwnedTasks.IDLE_SWEEP_STEPS);
        assertEquals(n, owned.linked(), "fewer than IDLE_SWEEP_MIN completed: a park walks nothing");
        for (int i = 100; i < n; i++) {
            ts.get(i).abort();
        }
        while (s.runOne()) {
            // as above
        }
        for (int i = 100; i < n; i++) {
            owned.completed(ts.get(i), i % 2 == 0 ? -1 : 0);
        }
        assertEquals(0, owned.size());
        owned.sweepIdle(0, OwnedTasks.IDLE_SWEEP_STEPS);
        assertTrue(owned.linked() >= n - OwnedTasks.IDLE_SWEEP_STEPS, "one park visits a bounded number of tasks");
        for (int parks = 0; parks < n / OwnedTasks.IDLE_SWEEP_STEPS + 2; parks++) {
            owned.sweepIdle(0, OwnedTasks.IDLE_SWEEP_STEPS);
        }
        assertEquals(0, owned.linked(), "parks drop them from the owner's shard and the shared shards");
    }

    /**
     * Threads bind (some into their own owner shard, some into shared shards) and complete tasks while another
     * thread closes the list: every task whose bind succeeded and that was not complete at close is returned by
     * close exactly once; no task whose bind failed is; the live count is exact afterwards.
     */
    @Test
    void closeRacingBindsLosesNoTask() throws Exception {
        int rounds = Math.max(5, 20 * stressScale() / 4);
        for (int round = 0; round < rounds; round++) {
            int threads = 4;
            OwnedTasks owned = new OwnedTasks(threads, 4);
            RecordingScheduler s = new RecordingScheduler();
            List<List<TaskCell<?>>> boundLive = new ArrayList<>();
            List<List<TaskCell<?>>> refused = new ArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger progress = new java.util.concurrent.atomic.AtomicInteger();
            int closeAfter = 1_000 + round * 3_000; // close at a different point of the binding in each round
            List<Thread> ts = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int owner = k % 2 == 0 ? k : -1;
                List<TaskCell<?>> mine = new ArrayList<>();
                List<TaskCell<?>> mineRefused = new ArrayList<>();
                boundLive.add(mine);
                refused.add(mineRefused);
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; !stop.get() && i < 200_000; i++) {
                        boolean live = i % 3 == 0;
                        TaskCell<Integer> t = live ? pendingTask(s) : readyTask(s);
                        if (!owned.bind(t, owner)) {
                            mineRefused.add(t);
                            return;
                        }
                        progress.incrementAndGet();
                        if (live) {
                            mine.add(t);
                        } else {
                            runAndComplete(owned, t, owner);
                        }
                    }
                }));
            }
            start.countDown();
            while (progress.get() < closeAfter) {
                Thread.onSpinWait();
            }
            List<TaskCell<?>> closed = owned.close();
            stop.set(true);
            for (Thread t : ts) {
                t.join();
            }
            Map<TaskCell<?>, Boolean> seen = new IdentityHashMap<>();
            for (TaskCell<?> t : closed) {
                assertTrue(seen.put(t, true) == null, "returned twice");
            }
            for (List<TaskCell<?>> mine : boundLive) {
                for (TaskCell<?> t : mine) {
                    assertTrue(seen.containsKey(t), "a bound live task escaped close");
                }
            }
            for (List<TaskCell<?>> mine : refused) {
                for (TaskCell<?> t : mine) {
                    assertFalse(seen.containsKey(t), "a refused task was returned");
                }
            }
            int live = boundLive.stream().mapToInt(List::size).sum();
            // the others close returned were bound and not yet run at close; their binder completed them since
            assertEquals(live, closed.stream().filter(t -> !t.isFinished()).count());
            assertEquals(live, owned.size(), "rule 5: exact once quiescent");
        }
    }
}
