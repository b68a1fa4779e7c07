package io.cortado.internal.task;

import io.cortado.testing.RuntimeTestBase;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinException;
import io.cortado.Poll;
import io.cortado.Waker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Attacks the task state word with real threads: one runner thread runs whatever is queued while waker, aborter
 * and joiner threads hammer the same task. Checked on every round:
 * <ul>
 *   <li>the future is never polled by two threads at once and never after it completed or was cancelled;</li>
 *   <li>the task is never queued twice (rule 2) and is released exactly once;</li>
 *   <li>it completes exactly once, with its value or as cancelled, and the joiner sees that outcome;</li>
 *   <li>no wake-up is lost: a task woken after a poll is polled again, so every round terminates.</li>
 * </ul>
 * Runs in CI with a small round count; {@code -Pstress} multiplies it.
 */
class TaskCellStressTest extends RuntimeTestBase {
    /** 300 rounds in CI (about 3 s); -Pstress (scale 20) runs 1,500, about 2-3 minutes on 2 cores. */
    private static final int ROUNDS = 300 * Math.max(1, Integer.getInteger("cortado.stress.scale", 1) / 4);

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES) // the -Pstress form runs 20 times as many rounds
    void wakesAbortsAndJoinsRacingARunner() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int round = 0; round < ROUNDS && failure.get() == null; round++) {
            boolean abortThisRound = (round & 1) == 1;
            runRound(abortThisRound, failure);
        }
        if (failure.get() != null) {
            throw new AssertionError("invariant broken", failure.get());
        }
    }

    private void runRound(boolean abort, AtomicReference<Throwable> failure) throws Exception {
        RecordingScheduler sched = new RecordingScheduler();
        Guarded future = new Guarded(50);
        TaskCell<Integer> task = new TaskCell<>(future, sched);
        sched.schedule(task); // as spawn does: a new task starts NOTIFIED and queued
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger joinWakes = new AtomicInteger();
        CyclicBarrier go = new CyclicBarrier(4);

        Thread runner = Thread.ofPlatform().start(() -> guard(failure, () -> {
            go.await();
            while (!task.isFinished()) {
                if (!sched.runOne()) {
                    Thread.onSpinWait();
                }
            }
            while (sched.runOne()) {
                // drain stale copies: they must be skipped
            }
        }));
        Thread waker = Thread.ofPlatform().start(() -> guard(failure, () -> {
            go.await();
            while (!task.isFinished() && !stop.get()) {
                task.wake();
            }
        }));
        Thread aborter = Thread.ofPlatform().start(() -> guard(failure, () -> {
            go.await();
            if (abort) {
                for (int i = ThreadLocalRandom.current().nextInt(200); i > 0; i--) {
                    Thread.onSpinWait();
                }
                task.abort();
            }
        }));
        go.await();
        // the joiner: registers its waker until it sees the outcome
        Waker jw = joinWakes::incrementAndGet;
        Context jcx = Context.of(jw);
        Object outcome = null;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (outcome == null) {
            if (failure.get() != null) {
                stop.set(true);
                task.shutdown(); // let the other threads finish
                runner.join();
                return;
            }
            if (System.nanoTime() > deadline) {
                failure.compareAndSet(null, new AssertionError("round did not finish in 10 s (lost wake-up?): "
                        + task + ", polls " + future.polls.get() + ", queued " + sched.queue.size()));
                continue;
            }
            try {
                Poll<Integer> p = task.poll(jcx);
                if (p.isReady()) {
                    outcome = p.value();
                }
            } catch (JoinException e) {
                outcome = e.isCancelled() ? "cancelled" : e;
            }
        }
        stop.set(true);
        runner.join();
        waker.join();
        aborter.join();
        if (failure.get() != null) {
            return;
        }
        Object result = outcome;
        check(failure, () -> {
            assertTrue(task.isFinished());
            assertEquals(1, sched.releases.get(), "released exactly once");
            assertEquals(1, future.terminal.get(), "completed or cancelled exactly once");
            if (result instanceof Integer v) {
                assertEquals(50, v);
                assertEquals(50, future.polls.get());
            } else {
                assertEquals("cancelled", result);
                assertTrue(abort, "cancelled without an abort");
            }
            assertTrue(sched.queue.isEmpty(), "nothing left queued after the drain");
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void guard(AtomicReference<Throwable> failure, Body body) {
        try {
            body.run();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private static void check(AtomicReference<Throwable> failure, Body body) {
        guard(failure, body);
    }

    /** Needs {@code n} polls; each pending poll wakes itself half of the time (the rest comes from the waker). */
    static final class Guarded implements Future<Integer> {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger terminal = new AtomicInteger();
        private final AtomicInteger inPoll = new AtomicInteger();
        private final int n;

        Guarded(int n) {
            this.n = n;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            if (inPoll.incrementAndGet() != 1) {
                throw new AssertionError("two threads polled the future at once");
            }
            try {
                if (terminal.get() != 0) {
                    throw new AssertionError("polled after completion or cancellation");
                }
                int p = polls.incrementAndGet();
                if (p == n) {
                    terminal.incrementAndGet();
                    return Poll.ready(p);
                }
                if ((p & 1) == 0) {
                    cx.waker().wake();
                }
                return Poll.pending();
            } finally {
                inPoll.decrementAndGet();
            }
        }

        @Override
        public void cancel() {
            if (terminal.incrementAndGet() != 1) {
                throw new AssertionError("cancelled after completion or twice");
            }
        }
    }
}
