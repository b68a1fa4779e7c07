package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.internal.SpinLock;

import java.util.ArrayList;
import java.util.List;

/**
 * Wakes tasks waiting for an event, Tokio's {@code Notify}. {@link #notifyOne()} wakes the longest waiter or, if
 * none waits, stores one permit that the next {@link #notified()} consumes at once (so a notification sent just
 * before the waiter arrives is not lost). {@link #notifyWaiters()} wakes every waiter present, including
 * {@code notified()} futures created before the call and not yet polled, and stores nothing.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The waiter list, the stored permit and the generation counter are guarded by a {@link SpinLock}; a waiter
 *       is its {@code notified()} future itself.</li>
 *   <li>{@code notifyOne} marks the first waiter notified and unlinks it, or sets the permit. A notified waiter that
 *       is cancelled before it observed the notification passes it on ({@code notifyOne} again), so none is lost.</li>
 *   <li>{@code notifyWaiters} increments the generation and marks every waiter notified; a future created before
 *       the increment completes at its first poll.</li>
 * </ol>
 * Guarded by {@code ChannelTest}, {@code NotifyLincheckTest}, {@code SyncStressTest} and {@code NotifyStressTest}
 * (across threads: no notification lost to racing registrations or to a cancel, rules 2 and 3).
 */
public final class Notify {
    private final SpinLock lock = new SpinLock();
    private Notified head;
    private Notified tail;
    private boolean permit;
    /** Incremented by {@link #notifyWaiters()}; read under the lock. */
    private int generation;

    /** A notify with no waiter and no stored permit. */
    public Notify() {
    }

    /** Wakes one waiter, or stores a permit for the next {@link #notified()} (rule 2). */
    public void notifyOne() {
        Waker w = null;
        lock.lock();
        try {
            Notified n = head;
            if (n == null) {
                permit = true;
            } else {
                unlinkLocked(n);
                n.phase = Notified.NOTIFIED;
                w = n.waker;
            }
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.wake();
        }
    }

    /** Wakes every waiter present (rule 3); stores no permit. */
    public void notifyWaiters() {
        List<Waker> wake = new ArrayList<>();
        lock.lock();
        try {
            generation++;
            for (Notified n = head; n != null; n = head) {
                unlinkLocked(n);
                n.phase = Notified.NOTIFIED_ALL;
                if (n.waker != null) {
                    wake.add(n.waker);
                }
            }
        } finally {
            lock.unlock();
        }
        wake.forEach(Waker::wake);
    }

    /**
     * A future that completes when notified. <b>Cancel safety:</b> a cancelled waiter leaves the list; if it had
     * been chosen by {@code notifyOne} but had not completed, the notification goes to the next waiter (or is
     * stored), so it is never lost.
     *
     * @return the future
     */
    public Future<Void> notified() {
        lock.lock();
        try {
            return new Notified(this, generation);
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot for reports, read without the lock: {@code Notify[waiters]}, {@code Notify[permit]} or both. */
    @Override
    public String toString() {
        boolean w = head != null;
        boolean p = permit;
        return "Notify[" + (w ? "waiters" : "") + (w && p ? ", " : "") + (p ? "permit" : "") + "]";
    }

    /**
     * A future that waits on a notify until {@link #check()} says its condition holds: it creates its
     * {@code notified()} future <i>before</i> each check (rule 3), so a change made and notified between the check
     * and the wait is never missed. What {@code Watch}, {@code Broadcast} and {@code CancellationToken} wait with.
     *
     * @param <T> the output type
     */
    abstract static class WaitUntil<T> implements Future<T> {
        private final Notify notify;
        private Future<Void> waiting;

        WaitUntil(Notify notify) {
            this.notify = notify;
        }

        /** @return the outcome if the condition holds (may throw), or {@code null} to keep waiting */
        abstract Poll<T> check();

        /**
         * What a task dump shows while this waits (it names the operation, not the notify underneath); read from
         * another thread, so it reads only fields that are safe to read racily.
         */
        @Override
        public abstract String toString();

        @Override
        public final Poll<T> poll(Context cx) {
            for (; ; ) {
                if (waiting == null) {
                    waiting = notify.notified(); // before the check
                }
                Poll<T> p;
                try {
                    p = check();
                } catch (RuntimeException e) {
                    cancel();
                    throw e;
                }
                if (p != null) {
                    cancel();
                    return p;
                }
                if (!waiting.poll(cx).isReady()) {
                    cx.waitingOn(this); // after the notified() future's own report: the operation is what waits
                    return Poll.pending();
                }
                waiting = null;
            }
        }

        @Override
        public final void cancel() {
            if (waiting != null) {
                waiting.cancel();
                waiting = null;
            }
        }
    }

    private void linkLocked(Notified n) {
        n.prev = tail;
        n.next = null;
        if (tail == null) {
            head = n;
        } else {
            tail.next = n;
        }
        tail = n;
    }

    private void unlinkLocked(Notified n) {
        if (n.prev == null) {
            head = n.next;
        } else {
            n.prev.next = n.next;
        }
        if (n.next == null) {
            tail = n.prev;
        } else {
            n.next.prev = n.prev;
        }
        n.prev = null;
        n.next = null;
    }

    private static final class Notified implements Future<Void> {
        static final int INIT = 0;
        static final int WAITING = 1;
        static final int NOTIFIED = 2;
        static final int DONE = 3;
        /** Notified by {@code notifyWaiters}: like NOTIFIED, but not passed on if cancelled. */
        static final int NOTIFIED_ALL = 4;

        private final Notify notify;
        private final int generation;
        /** Guarded by the lock; read volatile when polled. */
        volatile int phase = INIT;
        volatile Waker waker;
        Notified prev;
        Notified next;

        Notified(Notify notify, int generation) {
            this.notify = notify;
            this.generation = generation;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            switch (phase) {
                case INIT -> {
                    notify.lock.lock();
                    try {
                        if (notify.generation != generation) {
                            phase = DONE; // rule 3: created before a notifyWaiters
                            return Poll.ready(null);
                        }
                        if (notify.permit) {
                            notify.permit = false;
                            phase = DONE;
                            return Poll.ready(null);
                        }
                        waker = cx.waker();
                        phase = WAITING;
                        notify.linkLocked(this);
                    } finally {
                        notify.lock.unlock();
                    }
                    cx.waitingOn(this);
                    return Poll.pending();
                }
                case WAITING -> {
                    Waker w = cx.waker();
                    Waker current = waker;
                    if (current == null || !current.willWake(w)) {
                        waker = w;
                    }
                    int p = phase;
                    if (p == NOTIFIED || p == NOTIFIED_ALL) { // the notifier read the old waker: Dekker
                        phase = DONE;
                        return Poll.ready(null);
                    }
                    cx.waitingOn(this);
                    return Poll.pending();
                }
                case NOTIFIED, NOTIFIED_ALL -> {
                    phase = DONE;
                    return Poll.ready(null);
                }
                default -> {
                    return Poll.ready(null);
                }
            }
        }

        /** For task dumps. */
        @Override
        public String toString() {
            return "Notify.notified on " + notify;
        }

        @Override
        public void cancel() {
            boolean passOn = false;
            notify.lock.lock();
            try {
                if (phase == WAITING) {
                    notify.unlinkLocked(this);
                } else if (phase == NOTIFIED) {
                    passOn = true;
                }
                phase = DONE;
            } finally {
                notify.lock.unlock();
            }
            waker = null;
            if (passOn) {
                notify.notifyOne(); // rule 2: a notification this waiter never observed goes on
            }
        }
    }
}
