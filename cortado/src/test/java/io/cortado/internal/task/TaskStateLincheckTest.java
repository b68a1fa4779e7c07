package io.cortado.internal.task;

import io.cortado.testing.RuntimeTestBase;
import io.cortado.Context;
import io.cortado.JoinException;
import io.cortado.Poll;
import io.cortado.Future;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Linearizability of the task state word: concurrent wakes, aborts and join polls against one runner, checked by
 * Lincheck against a sequential execution of the same operations. The run queue rejects a double enqueue and the
 * future rejects a concurrent or post-completion poll, so a broken rule shows up as an exception in a result.
 *
 * <p>How many times the future was polled is deliberately not an operation: a poll is not atomic, so that count
 * is not a linearizable observation of the task.
 *
 * <p>Maintenance note: a broken rule of the state word shows up here; the mutation "wake schedules even while
 * RUNNING" is found in a few seconds (a double enqueue). The future is ready on its third poll. {@code runOne} is the scheduler (one runner at a time: the
 * {@code nonParallelGroup}); the others may run on any thread.
 */
public class TaskStateLincheckTest extends RuntimeTestBase {
    private final RecordingScheduler sched = new RecordingScheduler();
    private final ThirdPollReady future = new ThirdPollReady();
    private final TaskCell<Integer> task = new TaskCell<>(future, sched);
    private final Context joinCx = Context.of(new CountingWaker());

    public TaskStateLincheckTest() {
        sched.schedule(task); // as spawn does: a new task starts NOTIFIED and queued
    }

    /**
     * The scheduler: runs the queued task. A wake or abort that set NOTIFIED on an idle task may still be on its
     * way to the queue (the CAS comes before the enqueue: rule 3); the scheduler is promised that it arrives, so the
     * runner waits for it rather than report an empty queue.
     */
    @Operation(nonParallelGroup = "runner")
    public boolean runOne() {
        for (; ; ) {
            if (sched.runOne()) {
                return true;
            }
            int s = task.stateVolatile();
            boolean enqueueInFlight = (s & TaskCell.NOTIFIED) != 0 && (s & (TaskCell.RUNNING | TaskCell.COMPLETE)) == 0;
            if (!enqueueInFlight) {
                return false;
            }
            Thread.yield();
        }
    }

    @Operation
    public void wake() {
        task.wake();
    }

    @Operation
    public void abort() {
        task.abort();
    }

    /**
     * Joins: "pending", or "done" for both a value and a cancellation. The two are deliberately not told apart:
     * an abort that lands while the task's last poll runs lets that Ready win (rule 6, as in Tokio), which no
     * sequential order of an atomic runOne and abort can produce. TaskCellTest covers which outcome wins.
     */
    @Operation
    public String join() {
        try {
            Poll<Integer> p = task.poll(joinCx);
            return p.isReady() ? "done" : "pending";
        } catch (JoinException e) {
            return e.isCancelled() ? "done" : "failed " + e.getCause();
        }
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }

    @Operation
    public boolean isFinished() {
        return task.isFinished();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void modelChecking() {
        new ModelCheckingOptions()
                .iterations(30 * scale())
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void stress() {
        new StressOptions()
                .iterations(20 * scale())
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }

    /** 1 in CI; with -Pstress (scale 20) five times the iterations, about 5 minutes on 2 cores. */
    private static int scale() {
        return Math.max(1, Integer.getInteger("cortado.stress.scale", 1) / 4);
    }

    /** The joiner's waker. */
    static final class CountingWaker implements io.cortado.Waker {
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    /** Ready on the third poll; fails loudly on a concurrent poll or a poll after it finished. */
    static final class ThirdPollReady implements Future<Integer> {
        final AtomicInteger polls = new AtomicInteger();
        private final AtomicInteger inPoll = new AtomicInteger();
        private volatile boolean done;

        @Override
        public Poll<Integer> poll(Context cx) {
            if (inPoll.incrementAndGet() != 1 || done) {
                throw new AssertionError("concurrent poll, or poll after completion");
            }
            try {
                if (polls.incrementAndGet() == 3) {
                    done = true;
                    return Poll.ready(42);
                }
                return Poll.pending();
            } finally {
                inPoll.decrementAndGet();
            }
        }

        @Override
        public void cancel() {
            if (done) {
                throw new AssertionError("cancel after completion");
            }
            done = true;
        }
    }
}
