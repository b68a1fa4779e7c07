package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.internal.Checks;
import io.cortado.internal.SpinLock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An async, fair (FIFO) counting semaphore: {@link #acquire(int)} waits until {@code n} permits are free, and
 * waiters are served strictly in order, so a large request is never starved by small ones. The building block of
 * {@link Mutex}, {@link RwLock} and the bounded {@link Mpsc} channel (Tokio's {@code batch_semaphore}).
 *
 * <h2>State</h2>
 * One {@code int}: {@code permits << 1 | CLOSED}. Waiters form a FIFO list guarded by a {@link SpinLock}; each
 * waiter is the {@link Acquire} future itself (no node allocation).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Fast path.</b> An acquire with nobody queued takes permits with one CAS on the state.</li>
 *   <li><b>Queueing.</b> Otherwise the acquirer links itself at the tail (under the lock), then, if it is first in
 *       line, takes whatever is free (up to what it needs) from the state; it keeps waiting for the rest. So free
 *       permits and queued waiters do not stay side by side: while anyone waits, the state holds no more permits
 *       than the first waiter still needs, and a newcomer queues behind (fairness).</li>
 *   <li><b>Release</b> adds the permits to the state (CAS), then, if the list is not empty (volatile read), takes
 *       the lock and hands permits out from the state to waiters in order; a waiter that has all it needs is
 *       unlinked, marked granted (volatile) and woken after the lock is released. Rules 2 and 3 are a Dekker pair
 *       (each side writes, then reads): either the queuing acquirer sees the released permits, or the releaser sees
 *       the waiter. No permit is stranded next to a waiter.</li>
 *   <li><b>Cancel safety.</b> A cancelled acquire unlinks itself and gives back the permits it had collected; a
 *       cancelled acquire that had already been granted gives them all back. Either way the next waiter is served.
 *       Only a completed acquire owns permits, through its {@link Permit}.</li>
 *   <li><b>Close</b> sets CLOSED and fails every waiter; later acquires fail at once. Releases still count, but
 *       from the moment CLOSED is set no waiter is handed a permit (a waiter linked before the closer took the lock
 *       waits to be failed): a bounded {@link Mpsc} channel relies on it to end after a receiver close.</li>
 * </ol>
 * Guarded by {@code SemaphoreTest} (fairness, cancellation at every stage, close), {@code SemaphoreLincheckTest}
 * (waiting acquires released, cancelled and granted across threads; try operations linearizable),
 * {@code LockLincheckTest}, {@code SyncStressTest} and {@code MpscCloseLincheckTest} (no permit handed to a waiter
 * after close).
 */
public final class Semaphore {
    /** The most permits a semaphore can hold. */
    public static final int MAX_PERMITS = Integer.MAX_VALUE >>> 1;

    private static final int CLOSED = 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private final SpinLock lock = new SpinLock();
    /** The FIFO of waiters; guarded by {@link #lock}, {@code head} also read without it (rule 3). */
    private volatile Acquire head;
    private Acquire tail;

    /**
     * @param permits the permits available at first, 0 to {@link #MAX_PERMITS}
     * @throws IllegalArgumentException if {@code permits} is out of range
     */
    public Semaphore(int permits) {
        Checks.checkInRange(permits, 0, MAX_PERMITS, "permits");
        STATE.set(this, permits << 1);
    }

    /** @return the permits free right now (a snapshot) */
    public int availablePermits() {
        return state >>> 1;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** @return {@code true} if one permit was free and is now taken; fails if anyone is queued (fairness) */
    public boolean tryAcquire() {
        return tryAcquire(1) != null;
    }

    /**
     * Takes {@code n} permits if they are free now and nobody is queued before the caller.
     *
     * @param n how many, 1 to {@link #MAX_PERMITS}
     * @return the permit, or {@code null} if not available now
     * @throws ClosedException          if the semaphore is closed
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Permit tryAcquire(int n) {
        Checks.checkInRange(n, 1, MAX_PERMITS, "n");
        if (head != null) {
            if (isClosed()) {
                throw closed();
            }
            return null;
        }
        return switch (takeFast(n)) {
            case TOOK -> new Permit(this, n);
            case CLOSED_NOW -> throw closed();
            default -> null;
        };
    }

    /**
     * For the channels: {@link #tryAcquire(int)} without the {@link Permit} object (the caller accounts for the
     * permits itself).
     *
     * @return 1 if taken, 0 if too few are free or someone is queued, -1 if closed
     */
    int tryAcquireRaw(int n) {
        if (head != null) {
            return isClosed() ? CLOSED_NOW : TOO_FEW;
        }
        return takeFast(n);
    }

    private static final int TOOK = 1;
    private static final int TOO_FEW = 0;
    private static final int CLOSED_NOW = -1;

    /** Rule 1: takes {@code n} permits with CAS; or says there are too few, or that the semaphore is closed. */
    private int takeFast(int n) {
        for (; ; ) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return CLOSED_NOW;
            }
            if ((s >>> 1) < n) {
                return TOO_FEW;
            }
            if (STATE.compareAndSet(this, s, s - (n << 1))) {
                return TOOK;
            }
        }
    }

    /** Takes up to {@code want} free permits for a waiter (rules 2, 3); none once closed (rule 5). */
    private int takeUpTo(int want) {
        for (; ; ) {
            int s = state;
            if ((s & CLOSED) != 0) {
                return 0; // the closer fails every waiter once it has the lock
            }
            int take = Math.min(s >>> 1, want);
            if (take == 0) {
                return 0;
            }
            if (STATE.compareAndSet(this, s, s - (take << 1))) {
                return take;
            }
        }
    }

    /**
     * Waits for one permit. <b>Cancel safety:</b> cancelling the future takes no permit and passes the turn on.
     *
     * @return a future of the permit; it fails with {@link ClosedException} if the semaphore is closed
     */
    public Future<Permit> acquire() {
        return new Acquire(this, 1, null);
    }

    /**
     * Waits for {@code n} permits, in FIFO order with the other waiters. <b>Cancel safety:</b> cancelling the future
     * gives back whatever it had collected and passes the turn on; no permit is lost or taken.
     *
     * @param n how many, 1 to {@link #MAX_PERMITS}
     * @return a future of the permit; it fails with {@link ClosedException} if the semaphore is closed
     * @throws IllegalArgumentException if {@code n} is out of range
     */
    public Future<Permit> acquire(int n) {
        return new Acquire(this, Checks.checkInRange(n, 1, MAX_PERMITS, "n"), null);
    }

    /**
     * For the locks built on a semaphore: {@link #acquire(int)} that a task dump shows as waiting on {@code on}
     * (whose {@code toString()} should say which operation of which lock waits), not on a bare semaphore.
     */
    Future<Permit> acquire(int n, Object on) {
        return new Acquire(this, n, on);
    }

    /** @return whether anyone is queued right now (a snapshot, for descriptions) */
    boolean hasWaiters() {
        return head != null;
    }

    /**
     * Adds {@code n} permits (rule 3), serving waiters first.
     *
     * @param n how many, at least 1
     * @throws IllegalArgumentException if {@code n} is not positive or the total would exceed {@link #MAX_PERMITS}
     */
    public void release(int n) {
        Checks.checkInRange(n, 1, MAX_PERMITS, "n");
        for (; ; ) {
            int s = state;
            if ((s >>> 1) > MAX_PERMITS - n) {
                throw new IllegalArgumentException("n : " + n + " (expected: at most " + (MAX_PERMITS - (s >>> 1))
                        + " more, the semaphore would exceed MAX_PERMITS)");
            }
            if (STATE.compareAndSet(this, s, s + (n << 1))) {
                break;
            }
        }
        if (head != null) {
            Waker[] toWake = assign();
            wakeAll(toWake);
        }
    }

    /** Rule 3: hands free permits to waiters in order; returns the wakers to call after the lock. */
    private Waker[] assign() {
        Waker[] wake = null;
        int count = 0;
        lock.lock();
        try {
            for (Acquire w = head; w != null; w = head) {
                int got = takeUpTo(w.remaining);
                w.remaining -= got;
                if (w.remaining > 0) {
                    break;
                }
                unlinkLocked(w);
                w.grant();
                Waker k = w.waker;
                if (k != null) {
                    if (wake == null) {
                        wake = new Waker[4];
                    } else if (count == wake.length) {
                        wake = java.util.Arrays.copyOf(wake, count * 2);
                    }
                    wake[count++] = k;
                }
            }
        } finally {
            lock.unlock();
        }
        return wake;
    }

    private static void wakeAll(Waker[] wakers) {
        if (wakers != null) {
            for (Waker w : wakers) {
                if (w == null) {
                    break;
                }
                w.wake();
            }
        }
    }

    /** Rule 5: closes the semaphore and fails every waiter. Idempotent. */
    public void close() {
        for (; ; ) {
            int s = state;
            if ((s & CLOSED) != 0 || STATE.compareAndSet(this, s, s | CLOSED)) {
                break;
            }
        }
        java.util.List<Waker> wake = new java.util.ArrayList<>();
        int collected = 0;
        lock.lock();
        try {
            for (Acquire w = head; w != null; w = head) {
                unlinkLocked(w);
                collected += w.needed - w.remaining; // rule 5: what a failed waiter had collected still counts
                w.fail();
                if (w.waker != null) {
                    wake.add(w.waker);
                }
            }
        } finally {
            lock.unlock();
        }
        if (collected > 0) {
            STATE.getAndAdd(this, collected << 1); // nobody waits any more: no one to hand them to
        }
        wake.forEach(Waker::wake);
    }

    private void linkLocked(Acquire w) {
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
    }

    private void unlinkLocked(Acquire w) {
        if (w.prev == null) {
            head = w.next;
        } else {
            w.prev.next = w.next;
        }
        if (w.next == null) {
            tail = w.prev;
        } else {
            w.next.prev = w.prev;
        }
        w.prev = null;
        w.next = null;
    }

    private static ClosedException closed() {
        return new ClosedException("the semaphore is closed");
    }

    @Override
    public String toString() {
        return "Semaphore[permits=" + availablePermits() + (isClosed() ? ", closed" : "")
                + (head != null ? ", waiters" : "") + "]";
    }

    /** Permits taken from a semaphore; {@link #close()} gives them back (once). */
    public static final class Permit implements AutoCloseable {
        private static final VarHandle RELEASED;

        static {
            try {
                RELEASED = MethodHandles.lookup().findVarHandle(Permit.class, "released", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Semaphore semaphore;
        private final int permits;
        @SuppressWarnings("unused") // through RELEASED
        private volatile boolean released;

        Permit(Semaphore semaphore, int permits) {
            this.semaphore = semaphore;
            this.permits = permits;
        }

        /** @return how many permits this holds */
        public int permits() {
            return permits;
        }

        /** Gives the permits back to the semaphore; later calls do nothing. */
        @Override
        public void close() {
            if (RELEASED.compareAndSet(this, false, true)) {
                semaphore.release(permits);
            }
        }

        /** Keeps the permits taken for good: {@link #close()} will not give them back. */
        public void forget() {
            RELEASED.set(this, true);
        }
    }

    /** The future of an acquire, and its waiter node. */
    private static final class Acquire implements Future<Permit> {
        private static final int INIT = 0;
        private static final int QUEUED = 1;
        private static final int GRANTED = 2;
        private static final int DONE = 3;
        private static final int CANCELLED = 4;
        private static final int FAILED = 5;

        private final Semaphore sem;
        /** What a task dump names as waited on; {@code null}: this acquire of the semaphore itself. */
        private final Object on;
        final int needed;
        /** Guarded by the semaphore's lock while queued. */
        int remaining;
        Acquire prev;
        Acquire next;
        private volatile int phase = INIT;
        volatile Waker waker;

        Acquire(Semaphore sem, int needed, Object on) {
            this.sem = sem;
            this.needed = needed;
            this.on = on;
        }

        /** For task dumps (read racily from another thread). */
        @Override
        public String toString() {
            if (on != null) {
                return on.toString();
            }
            int collected = phase == QUEUED ? needed - remaining : 0;
            return "Semaphore.acquire(" + needed + (collected > 0 ? ", collected " + collected : "") + ") on " + sem;
        }

        /** Under the lock: all permits collected. */
        void grant() {
            phase = GRANTED;
        }

        /** Under the lock: closed while waiting. */
        void fail() {
            phase = FAILED;
        }

        @Override
        public Poll<Permit> poll(Context cx) {
            switch (phase) {
                case INIT -> {
                    if ((sem.state & CLOSED) != 0) {
                        phase = FAILED;
                        throw closed();
                    }
                    if (sem.head == null) {
                        int r = sem.takeFast(needed);
                        if (r == TOOK) {
                            phase = DONE;
                            return Poll.ready(new Permit(sem, needed));
                        }
                        if (r == CLOSED_NOW) {
                            phase = FAILED;
                            throw closed();
                        }
                    }
                    return enqueue(cx);
                }
                case QUEUED -> {
                    Waker w = cx.waker();
                    Waker current = waker;
                    if (current == null || !current.willWake(w)) {
                        waker = w;
                    }
                    return afterWait(cx); // re-check after publishing the waker (Dekker with assign)
                }
                case GRANTED -> {
                    phase = DONE;
                    return Poll.ready(new Permit(sem, needed));
                }
                case FAILED -> throw closed();
                default -> throw new IllegalStateException("acquire polled after it completed or was cancelled");
            }
        }

        private Poll<Permit> enqueue(Context cx) {
            waker = cx.waker();
            boolean granted;
            sem.lock.lock();
            try {
                if ((sem.state & CLOSED) != 0) {
                    phase = FAILED;
                    throw closed();
                }
                remaining = needed;
                phase = QUEUED;
                sem.linkLocked(this); // rule 2: link first, then take what is free, if first in line
                if (sem.head == this) {
                    remaining -= sem.takeUpTo(remaining);
                }
                granted = remaining == 0;
                if (granted) {
                    sem.unlinkLocked(this);
                }
            } finally {
                sem.lock.unlock();
            }
            if (granted) {
                phase = DONE;
                return Poll.ready(new Permit(sem, needed));
            }
            cx.waitingOn(this);
            return Poll.pending();
        }

        private Poll<Permit> afterWait(Context cx) {
            int p = phase;
            if (p == GRANTED) {
                phase = DONE;
                return Poll.ready(new Permit(sem, needed));
            }
            if (p == FAILED) {
                throw closed();
            }
            cx.waitingOn(this);
            return Poll.pending();
        }

        /** Rule 4. */
        @Override
        public void cancel() {
            int giveBack = 0;
            switch (phase) {
                case INIT -> phase = CANCELLED;
                case QUEUED, GRANTED -> {
                    sem.lock.lock();
                    try {
                        if (phase == QUEUED) {
                            sem.unlinkLocked(this);
                            giveBack = needed - remaining;
                        } else if (phase == GRANTED) {
                            giveBack = needed;
                        }
                        phase = CANCELLED;
                    } finally {
                        sem.lock.unlock();
                    }
                }
                default -> {
                    // DONE (the Permit owns the permits), CANCELLED, FAILED: nothing to give back
                }
            }
            waker = null;
            if (giveBack > 0) {
                sem.release(giveBack);
            }
        }
    }
}
