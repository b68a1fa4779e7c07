package io.cortado.sync;

import io.cortado.testing.LincheckBudget;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model checks of {@link Semaphore}.
 * <ul>
 *   <li>{@link Waits}: three threads acquire (waiting; polled by hand with a counting waker), release and cancel
 *       on a semaphore of 2 permits, one of them 2 permits at a time. Checked as it runs: the permits held never
 *       exceed 2. Checked after every execution: no lost wake-up (an acquire left Pending whose waker was not woken
 *       since is still Pending); then (woken acquires completed, the others cancelled, everything released) all
 *       permits are back and nobody is queued: {@code tryAcquire(2)} succeeds (rule 4: a cancelled acquire gives
 *       back what it had collected or been granted). Counted and asserted: a waiting acquire woken by a release on
 *       another thread; a waiting acquire cancelled; an acquire cancelled after it was granted (its permits go to
 *       the next waiter).</li>
 *   <li>{@link TryOps}: linearizability of {@code tryAcquire}, {@code release}, {@code availablePermits} and
 *       {@code close} from three threads (random scenarios).</li>
 * </ul>
 */
class SemaphoreLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();
    static final int PERMITS = 2;

    public static class Waits {
        final Semaphore sem = new Semaphore(PERMITS);
        final AtomicInteger held = new AtomicInteger();
        /** Thread i's acquire; thread 0 and 2 take 2 permits, thread 1 takes 1. */
        final int[] sizes = {2, 1, 2};
        final List<Waiting<Semaphore.Permit>> slots = List.of(new Waiting<>(() -> sem.acquire(sizes[0])),
                new Waiting<>(() -> sem.acquire(sizes[1])), new Waiting<>(() -> sem.acquire(sizes[2])));

        private void acquire(int i) {
            Waiting.Outcome o = slots.get(i).step();
            if (o == Waiting.Outcome.PENDING || o == Waiting.Outcome.NONE) {
                return;
            }
            took(i);
            if (o == Waiting.Outcome.DONE_AFTER_WAKE) {
                REACHED.reached("a waiting acquire was woken by a release on another thread");
            }
        }

        private void took(int i) {
            int now = held.addAndGet(sizes[i]);
            if (now > PERMITS) {
                throw new AssertionError(now + " permits held of " + PERMITS);
            }
        }

        private void release(int i) {
            if (slots.get(i).holding()) {
                held.addAndGet(-sizes[i]);
                slots.get(i).take().close();
            }
        }

        private void cancel(int i) {
            Waiting.Outcome o = slots.get(i).cancel();
            if (o == Waiting.Outcome.CANCELLED_AFTER_WAKE) {
                REACHED.reached("an acquire granted while it waited was cancelled");
            } else if (o == Waiting.Outcome.CANCELLED_WAITING) {
                REACHED.reached("a waiting acquire was cancelled");
            }
        }

        @Operation(nonParallelGroup = "t0")
        public void acquire0() {
            acquire(0);
        }

        @Operation(nonParallelGroup = "t0")
        public void release0() {
            release(0);
        }

        @Operation(nonParallelGroup = "t0")
        public void cancel0() {
            cancel(0);
        }

        @Operation(nonParallelGroup = "t1")
        public void acquire1() {
            acquire(1);
        }

        @Operation(nonParallelGroup = "t1")
        public void release1() {
            release(1);
        }

        @Operation(nonParallelGroup = "t1")
        public void cancel1() {
            cancel(1);
        }

        @Operation(nonParallelGroup = "t2")
        public void acquire2() {
            acquire(2);
        }

        @Operation(nonParallelGroup = "t2")
        public void release2() {
            release(2);
        }

        @Operation(nonParallelGroup = "t2")
        public void cancel2() {
            cancel(2);
        }

        @Validate
        public void validate() {
            for (int i = 0; i < 3; i++) {
                slots.get(i).assertNoLostWake("acquire " + i);
            }
            for (int i = 0; i < 3; i++) {
                if (slots.get(i).settle()) {
                    took(i);
                }
            }
            for (int i = 0; i < 3; i++) {
                release(i);
            }
            if (sem.availablePermits() != PERMITS || sem.hasWaiters()) {
                throw new AssertionError("after every release and cancel: " + sem);
            }
            Semaphore.Permit all = sem.tryAcquire(PERMITS);
            if (all == null) {
                throw new AssertionError("all permits are not free again: " + sem);
            }
            all.close();
        }
    }

    /** The non-waiting operations, from any thread. */
    @Param(name = "n", gen = IntGen.class, conf = "1:3")
    public static class TryOps {
        private final Semaphore s = new Semaphore(3);

        @Operation
        public String tryAcquire(@Param(name = "n") int n) {
            try {
                Semaphore.Permit p = s.tryAcquire(n);
                if (p == null) {
                    return "none";
                }
                p.forget();
                return "took " + n;
            } catch (ClosedException e) {
                return "closed";
            }
        }

        @Operation
        public void release(@Param(name = "n") int n) {
            s.release(n);
        }

        @Operation
        public int available() {
            return s.availablePermits();
        }

        @Operation
        public void close() {
            s.close();
        }
    }

    /** The written scenarios, then random ones of the three threads: {@link LincheckBudget}'s budgets. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void permitsNeverOverGrantedNorLostAndNoWakeLost() {
        REACHED.reset();
        LincheckScenario[] scenarios = {
                // one permit held: thread 0 waits for two and collects one; thread 2 waits behind it
                LincheckScenario.of(Waits.class).init("acquire1").thread("acquire0", "acquire0", "release0")
                        .thread("release1", "acquire1", "acquire1").thread("acquire2", "acquire2", "cancel2"),
                // every permit held: both wait; the release grants thread 0, whose cancel passes them on
                LincheckScenario.of(Waits.class).init("acquire2").thread("acquire0", "cancel0")
                        .thread("acquire1", "acquire1").thread("release2"),
        };
        LincheckBudget.scenarios(scenarios);
        LincheckBudget.random(Waits.class);
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a waiting acquire was woken by a release on another thread",
                "a waiting acquire was cancelled", "an acquire granted while it waited was cancelled");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void tryOperationsAreLinearizable() {
        LincheckBudget.linearizable(TryOps.class);
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
