package io.cortado.internal.task;

import io.cortado.testing.RuntimeTestBase;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinException;
import io.cortado.Poll;
import io.cortado.testing.Probe;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import static io.cortado.internal.task.TaskCell.CANCELLED;
import static io.cortado.internal.task.TaskCell.COMPLETE;
import static io.cortado.internal.task.TaskCell.JOIN_INTEREST;
import static io.cortado.internal.task.TaskCell.NOTIFIED;
import static io.cortado.internal.task.TaskCell.RUNNING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per transition of the task state word (the rules in {@link TaskCell}'s class comment). */
class TaskCellTest extends RuntimeTestBase {
    private final RecordingScheduler sched = new RecordingScheduler();
    private final Probe<String> probe = new Probe<>();
    private final TaskCell<String> task = new TaskCell<>(probe, sched);

    @Test
    void initialStateIsNotifiedWithJoinInterest() {
        assertEquals(NOTIFIED | JOIN_INTEREST, task.stateVolatile());
    }

    @Test
    void transitionToRunningTakesANotifiedIdleTask() {
        assertEquals(TaskCell.RunTransition.POLL, task.transitionToRunning());
        assertEquals(RUNNING | JOIN_INTEREST, task.stateVolatile());
        assertEquals(TaskCell.RunTransition.SKIP, task.transitionToRunning(), "a running task cannot be run");
    }

    @Test
    void transitionToRunningSkipsAnUnnotifiedTask() {
        task.run(); // poll: pending, idle
        assertEquals(JOIN_INTEREST, task.stateVolatile());
        assertEquals(TaskCell.RunTransition.SKIP, task.transitionToRunning());
    }

    @Test
    void idleAfterPendingAndWakeSchedulesOnce() {
        task.run();
        assertEquals(1, probe.polls());
        task.wake();
        task.wake();
        assertEquals(1, sched.schedules.get(), "second wake finds NOTIFIED: no schedule");
        assertEquals(NOTIFIED | JOIN_INTEREST, task.stateVolatile());
        assertTrue(sched.runOne());
        assertEquals(2, probe.polls());
    }

    @Test
    void wakeWhileRunningRequeuesThroughYield() {
        TaskCell<String> self = new TaskCell<>(cx -> {
            cx.waker().wake();
            return Poll.pending();
        }, sched);
        self.run();
        assertEquals(0, sched.schedules.get(), "a wake while running does not schedule");
        assertEquals(1, sched.yields.get(), "the runner re-queues it");
        assertEquals(NOTIFIED | JOIN_INTEREST, self.stateVolatile());
    }

    @Test
    void readyCompletesReleasesAndWakesTheJoiner() {
        TestWaker joiner = new TestWaker();
        assertFalse(task.poll(joiner.context()).isReady());
        task.run();
        probe.complete("v");
        assertTrue(sched.runOne());
        assertEquals(COMPLETE | JOIN_INTEREST, task.stateVolatile());
        assertEquals(1, sched.releases.get());
        assertEquals(1, joiner.wakes());
        assertEquals("v", task.poll(joiner.context()).value());
        task.wake();
        assertEquals(1, sched.schedules.get(), "waking a complete task does nothing");
    }

    @Test
    void throwingPollFailsTheTask() {
        IllegalStateException boom = new IllegalStateException("boom");
        TaskCell<String> t = new TaskCell<>(cx -> {
            throw boom;
        }, sched);
        t.run();
        JoinException e = assertThrows(JoinException.class, () -> t.poll(Context.of(() -> { })));
        assertSame(boom, e.getCause());
        assertTrue(e.isFailed());
    }

    @Test
    void abortOfIdleTaskSchedulesItAndRunCancels() {
        task.run();
        task.abort();
        assertEquals(NOTIFIED | CANCELLED | JOIN_INTEREST, task.stateVolatile());
        assertEquals(1, sched.schedules.get());
        assertTrue(sched.runOne());
        assertEquals(1, probe.cancels());
        assertEquals(1, probe.polls(), "cancelled, not polled");
        assertTrue(assertThrows(JoinException.class, () -> task.poll(Context.of(() -> { }))).isCancelled());
    }

    @Test
    void abortOfQueuedTaskDoesNotQueueItTwice() {
        task.abort();
        assertEquals(0, sched.schedules.get(), "already NOTIFIED: the queued run will cancel it");
        assertEquals(TaskCell.RunTransition.CANCEL, task.transitionToRunning());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void abortWhileRunningCancelsAtIdle() {
        TaskCell<String>[] self = new TaskCell[1];
        int[] cancels = {0};
        self[0] = new TaskCell<>(new Future<>() {
            @Override
            public Poll<String> poll(Context cx) {
                self[0].abort();
                return Poll.pending();
            }

            @Override
            public void cancel() {
                cancels[0]++;
            }
        }, sched);
        self[0].run();
        assertEquals(1, cancels[0]);
        assertTrue(self[0].isFinished());
        assertEquals(0, sched.schedules.get() + sched.yields.get(), "cancelled in place, not re-queued");
    }

    @Test
    void abortOfCompleteTaskIsANoOp() {
        TaskCell<String> t = new TaskCell<>(cx -> Poll.ready("x"), sched);
        t.run();
        t.abort();
        assertEquals(COMPLETE | JOIN_INTEREST, t.stateVolatile());
        assertEquals("x", t.poll(Context.of(() -> { })).value());
    }

    @Test
    void shutdownOfIdleTaskCancelsOnTheCallingThread() {
        task.run();
        task.shutdown();
        assertEquals(1, probe.cancels());
        assertTrue(task.isFinished());
        task.shutdown();
        assertEquals(1, probe.cancels(), "idempotent");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void shutdownOfRunningTaskLeavesItToTheRunner() {
        TaskCell<String>[] self = new TaskCell[1];
        self[0] = new TaskCell<>(cx -> {
            self[0].shutdown();
            assertEquals(RUNNING | CANCELLED | JOIN_INTEREST, self[0].stateVolatile());
            return Poll.pending();
        }, sched);
        self[0].run();
        assertTrue(self[0].isFinished());
    }

    @Test
    void queuedCopyOfAShutDownTaskIsSkipped() {
        task.shutdown(); // queued (initial NOTIFIED) but shut down before it ran
        assertEquals(0, probe.polls());
        task.run();
        assertEquals(0, probe.polls(), "a completed task is never polled");
    }

    @Test
    void detachDropsTheOutput() {
        TaskCell<String> t = new TaskCell<>(cx -> Poll.ready("dropped"), sched);
        t.cancel();
        assertEquals(NOTIFIED, t.stateVolatile());
        t.run();
        assertEquals(COMPLETE, t.stateVolatile());
        assertNull(t.outcome(), "no join interest: the output is not kept");
    }

    @Test
    void cancelThatThrowsStillEndsTheTaskAsCancelled() {
        TaskCell<String> t = new TaskCell<>(new Future<>() {
            @Override
            public Poll<String> poll(Context cx) {
                return Poll.pending();
            }

            @Override
            public void cancel() {
                throw new IllegalStateException("bad cancel");
            }
        }, sched);
        t.abort();
        t.run();
        JoinException e = assertThrows(JoinException.class, t::outcome);
        assertTrue(e.isCancelled());
        assertEquals("bad cancel", e.getSuppressed()[0].getMessage());
    }

    @Test
    void aNullPollFailsTheTaskInsteadOfWedgingIt() {
        TaskCell<String> t = new TaskCell<>(cx -> null, sched);
        t.run();
        assertTrue(t.isFinished());
        JoinException e = assertThrows(JoinException.class, t::outcome);
        assertTrue(e.getCause() instanceof NullPointerException, String.valueOf(e.getCause()));
        assertEquals(1, sched.releases.get());
    }

    @Test
    void aThrowingJoinWakerIsReportedAndTheTaskStillCompletes() {
        java.util.List<Throwable> reported = new java.util.ArrayList<>();
        Thread me = Thread.currentThread();
        Thread.UncaughtExceptionHandler old = me.getUncaughtExceptionHandler();
        me.setUncaughtExceptionHandler((th, ex) -> reported.add(ex));
        try {
            TaskCell<String> t = new TaskCell<>(cx -> Poll.ready("v"), sched);
            t.poll(Context.of(() -> {
                throw new IllegalStateException("bad waker");
            }));
            t.run();
            assertTrue(t.isFinished());
            assertEquals("v", t.outcome());
            assertEquals(1, reported.size());
            assertEquals("bad waker", reported.get(0).getMessage());
        } finally {
            me.setUncaughtExceptionHandler(old);
        }
    }

    @Test
    void joinWakerIsReplacedOnlyWhenItWouldWakeSomeoneElse() {
        TestWaker a = new TestWaker();
        TestWaker b = new TestWaker();
        task.poll(a.context());
        task.poll(b.context());
        task.run();
        probe.complete("x");
        sched.runOne();
        assertEquals(0, a.wakes(), "only the latest join waker is woken");
        assertEquals(1, b.wakes());
    }
}
