package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.Checks;
import io.cortado.internal.SpinLock;

/**
 * Lets {@code n} tasks wait until all of them have arrived, then releases them together; reusable (each release
 * starts a new generation). The last task to arrive is the leader ({@link #await()} completes with {@code true} for
 * it only).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The arrival count and the generation are guarded by a {@link SpinLock}. The n-th arrival resets the count,
 *       increments the generation and wakes the waiters ({@link Notify#notifyWaiters()}).</li>
 *   <li>A waiter creates its {@code notified()} future under the lock when it arrives, so the release cannot slip
 *       between its arrival and its wait; it completes when the generation it arrived in has ended.</li>
 * </ol>
 * Guarded by {@code PrimitivesTest}, {@code BarrierLincheckTest} (model checked: 2 parties, 3 waiters, one
 * cancelled; each generation released once, no lost wake, the arrival count exact after a cancel) and
 * {@code BarrierStressTest} (parties on two workers through thousands of generations, cancels before and after the
 * release).
 */
public final class Barrier {
    private final int parties;
    private final SpinLock lock = new SpinLock();
    private final Notify notify = new Notify();
    private int arrived;
    private long generation;

    /**
     * @param parties how many tasks must arrive, at least 1
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public Barrier(int parties) {
        this.parties = Checks.checkPositive(parties, "parties");
    }

    /**
     * Arrives and waits for the others. <b>Cancel safety:</b> a waiter cancelled before the barrier released
     * withdraws its arrival (the barrier then needs another task); one cancelled after the release changes nothing.
     *
     * @return a future that completes when {@code parties} tasks have arrived: {@code true} for the leader
     */
    public Future<Boolean> await() {
        return new Future<>() {
            private long myGeneration = -1;
            private Future<Void> waiting;

            @Override
            public Poll<Boolean> poll(Context cx) {
                if (myGeneration < 0) {
                    lock.lock();
                    try {
                        myGeneration = generation;
                        if (++arrived == parties) {
                            arrived = 0;
                            generation++;
                        } else {
                            waiting = notify.notified(); // rule 2: under the lock
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (waiting == null) {
                        notify.notifyWaiters();
                        return Poll.ready(true);
                    }
                }
                for (; ; ) {
                    if (released()) {
                        waiting.cancel();
                        return Poll.ready(false);
                    }
                    if (!waiting.poll(cx).isReady()) {
                        cx.waitingOn(this); // the barrier, not the notify underneath
                        return Poll.pending();
                    }
                    waiting = notify.notified();
                }
            }

            @Override
            public String toString() { // for task dumps: racy reads, no lock
                return "Barrier.await[arrived " + arrived + " of " + parties + "]";
            }

            private boolean released() {
                lock.lock();
                try {
                    return generation != myGeneration;
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void cancel() {
                if (myGeneration >= 0 && waiting != null) {
                    lock.lock();
                    try {
                        if (generation == myGeneration) {
                            arrived--; // withdraw: not released yet
                        }
                    } finally {
                        lock.unlock();
                    }
                    waiting.cancel();
                }
            }
        };
    }
}
