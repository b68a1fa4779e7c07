package io.cortado.sync;

import io.cortado.testing.HandPolled;
import io.cortado.testing.LincheckBudget;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model check of {@link Notify} (rules 1-3) on three threads: two waiters, each waiting on {@code notified()}
 * (polled by hand with a counting waker) and cancelling, and a notifier calling {@code notifyOne} and
 * {@code notifyWaiters}. Checked after every execution: no lost wake-up (a waiter left Pending whose waker was not
 * woken since is still Pending); then (woken waiters completed, the others cancelled) a fresh {@code notified()}
 * tells whether a permit is stored, and: no permit is stored while a waiter was left waiting; a permit is stored
 * only after a {@code notifyOne}; and, with {@code notifyOne} alone, no more waiters completed than notifications
 * were sent, and a notification is never lost: after one, a waiter completed or a permit is stored (rule 2: a
 * chosen waiter that is cancelled passes its notification on). Counted and asserted: a waiting {@code notified()}
 * woken by {@code notifyOne} on another thread, a waiter chosen by {@code notifyOne} cancelled before it completed
 * (so it passed the notification on), a waiting {@code notified()} woken by {@code notifyWaiters}.
 */
class NotifyLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public static class Ops {
        final Notify notify = new Notify();
        final AtomicInteger notifyOnes = new AtomicInteger();
        final AtomicInteger notifyAlls = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        final Waiting<Void> w1 = new Waiting<>(notify::notified);
        final Waiting<Void> w2 = new Waiting<>(notify::notified);

        private void await(Waiting<Void> w) {
            Waiting.Outcome o = w.step();
            if (o == Waiting.Outcome.PENDING || o == Waiting.Outcome.NONE) {
                return;
            }
            w.take(); // the next wait is a new notified()
            completions.incrementAndGet();
            if (o == Waiting.Outcome.DONE_AFTER_WAKE) {
                if (notifyAlls.get() == 0) { // counted before each call: none had begun, so notifyOne woke it
                    REACHED.reached("a waiting notified() was woken by notifyOne on another thread");
                } else if (notifyOnes.get() == 0) {
                    REACHED.reached("a waiting notified() was woken by notifyWaiters");
                }
            }
        }

        private void cancel(Waiting<Void> w) {
            if (w.cancel() == Waiting.Outcome.CANCELLED_AFTER_WAKE && notifyAlls.get() == 0) {
                REACHED.reached("a waiter chosen by notifyOne was cancelled before it completed");
            }
        }

        @Operation(nonParallelGroup = "w1")
        public void wait1() {
            await(w1);
        }

        @Operation(nonParallelGroup = "w1")
        public void cancel1() {
            cancel(w1);
        }

        @Operation(nonParallelGroup = "w2")
        public void wait2() {
            await(w2);
        }

        @Operation(nonParallelGroup = "w2")
        public void cancel2() {
            cancel(w2);
        }

        @Operation(nonParallelGroup = "notifier")
        public void notifyOne() {
            notifyOnes.incrementAndGet();
            notify.notifyOne();
        }

        @Operation(nonParallelGroup = "notifier")
        public void notifyWaiters() {
            notifyAlls.incrementAndGet();
            notify.notifyWaiters();
        }

        @Validate
        public void validate() {
            w1.assertNoLostWake("waiter 1");
            w2.assertNoLostWake("waiter 2");
            boolean leftWaiting = (w1.isPending() && !w1.woken()) || (w2.isPending() && !w2.woken());
            for (Waiting<Void> w : List.of(w1, w2)) {
                if (w.settle()) {
                    w.take();
                    completions.incrementAndGet();
                }
            }
            HandPolled<Void> probe = new HandPolled<>(notify.notified());
            boolean permit = probe.poll().isReady();
            if (!permit) {
                probe.future().cancel();
            }
            int ones = notifyOnes.get();
            String state = "notifyOne " + ones + ", notifyWaiters " + notifyAlls + ", completed " + completions
                    + ", permit " + permit;
            if (permit && leftWaiting) {
                throw new AssertionError("a permit stored while a waiter waited: " + state);
            }
            if (permit && ones == 0) {
                throw new AssertionError("a permit without a notifyOne: " + state);
            }
            if (notifyAlls.get() == 0) {
                if (completions.get() > ones) {
                    throw new AssertionError("more waiters completed than notified: " + state);
                }
                if (ones > 0 && completions.get() == 0 && !permit) {
                    throw new AssertionError("a notification was lost: " + state);
                }
            }
        }
    }

    /** The written scenarios, then random ones of the three threads: {@link LincheckBudget}'s budgets. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void noNotificationLostNorInvented() {
        REACHED.reset();
        LincheckScenario[] scenarios = {
                LincheckScenario.of(Ops.class).thread("wait1", "wait1", "cancel1").thread("wait2", "wait2")
                        .thread("notifyOne", "notifyOne"),
                LincheckScenario.of(Ops.class).thread("wait1", "cancel1").thread("wait2", "wait2")
                        .thread("notifyOne"),
                LincheckScenario.of(Ops.class).thread("wait1", "wait1").thread("wait2", "wait2")
                        .thread("notifyWaiters"),
        };
        LincheckBudget.scenarios(scenarios);
        LincheckBudget.random(Ops.class);
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a waiting notified() was woken by notifyOne on another thread",
                "a waiter chosen by notifyOne was cancelled before it completed",
                "a waiting notified() was woken by notifyWaiters");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
