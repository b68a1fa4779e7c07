package io.cortado.internal.sched;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Parks one thread until {@link #unpark()} is called, never losing an unpark.
 *
 * <h2>Protocol</h2>
 * State word: {@code EMPTY}, {@code PARKED} (the owner is parked or about to be), {@code NOTIFIED} (an unpark is
 * stored).
 * <ol>
 *   <li>{@link #unpark()} swaps in NOTIFIED; only if it swapped out PARKED does it call
 *       {@link LockSupport#unpark}. So an unpark before the park is stored, and an unpark during the park wakes
 *       the thread.</li>
 *   <li>{@link #park()} consumes a stored NOTIFIED and returns at once; otherwise it moves EMPTY→PARKED and parks
 *       until it can move NOTIFIED→EMPTY. Spurious returns of {@link LockSupport#park} loop.</li>
 *   <li>{@link #select} parks in a {@link Selector} instead of {@link LockSupport}: the owner publishes the selector
 *       (a plain write) before its EMPTY→PARKED CAS, so an unpark that swaps out PARKED sees it and calls
 *       {@link Selector#wakeup()}. The owner clears it only after leaving PARKED; an unpark that reads it late
 *       costs one spurious wake-up (a stored selector wake-up or a LockSupport permit), which rule 2's loops and
 *       the scheduler's re-checks absorb.</li>
 *   <li>Interrupts do not end a park (a blocked runtime thread is not cancellable by interrupt); an interrupt
 *       seen after a park returns is cleared so the thread does not spin, remembered, and re-asserted by the owner
 *       through {@link #restoreInterrupt()}.</li>
 * </ol>
 * Only the owner thread calls park; any thread may unpark. Guarded by {@code ParkerTest},
 * {@code ParkerLincheckTest} (model checks of rules 1 and 2: an unpark before or during the park, two unparkers,
 * no return without an unpark; the time-out racing an unpark on real threads) and the jcstress litmus test
 * {@code SchedulerProtocols.UnparkVsPark} (rules 1 and 2 on the real JIT: no unpark lost, consumed twice or slept
 * through).
 */
public final class Parker {
    private static final int EMPTY = 0;
    private static final int PARKED = 1;
    private static final int NOTIFIED = 2;

    private final AtomicInteger state = new AtomicInteger(EMPTY);
    private final Thread owner;
    /** An interrupt was absorbed (rule 4); volatile only so tests can watch it from another thread. */
    private volatile boolean interrupted;

    /** The selector the owner is blocked in (rule 3), or {@code null}; see {@link #select}. */
    private Selector selector;

    /** Creates a parker owned by the calling thread. */
    public Parker() {
        this.owner = Thread.currentThread();
    }

    /** Parks until unparked (rule 2). Owner only. */
    public void park() {
        parkNanos(Long.MAX_VALUE);
    }

    /**
     * Parks until unparked or {@code nanos} elapsed. Owner only.
     *
     * @param nanos the most to wait; {@link Long#MAX_VALUE} means no limit
     * @return {@code true} if an unpark was consumed, {@code false} on time-out
     */
    public boolean parkNanos(long nanos) {
        if (state.compareAndSet(NOTIFIED, EMPTY)) {
            return true;
        }
        if (!state.compareAndSet(EMPTY, PARKED)) {
            state.set(EMPTY); // it was NOTIFIED: consume it
            return true;
        }
        long deadline = nanos == Long.MAX_VALUE ? 0 : System.nanoTime() + nanos;
        for (; ; ) {
            if (nanos == Long.MAX_VALUE) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (state.compareAndSet(PARKED, EMPTY)) {
                        return false;
                    }
                    state.set(EMPTY);
                    return true;
                }
                LockSupport.parkNanos(this, left);
            }
            if (Thread.interrupted()) {
                interrupted = true;
            }
            if (state.compareAndSet(NOTIFIED, EMPTY)) {
                return true;
            }
        }
    }

    /**
     * Parks in {@code sel} (rule 3): blocks in a selection operation until a channel is ready, {@code nanos} pass,
     * or this parker is unparked. A stored unpark makes it a non-blocking {@code selectNow}. Owner only.
     *
     * @param sel    the selector
     * @param nanos  the most to wait ({@link Long#MAX_VALUE}: no limit; rounded up to whole milliseconds)
     * @param action called for each ready key, on this thread, during the selection
     * @return the number of keys the selection reported
     * @throws IOException if the selector failed
     */
    public int select(Selector sel, long nanos, Consumer<SelectionKey> action) throws IOException {
        if (state.compareAndSet(NOTIFIED, EMPTY)) {
            return sel.selectNow(action);
        }
        selector = sel;
        if (!state.compareAndSet(EMPTY, PARKED)) {
            selector = null;
            state.set(EMPTY); // it was NOTIFIED: consume it
            return sel.selectNow(action);
        }
        try {
            if (nanos == Long.MAX_VALUE) {
                return sel.select(action);
            }
            long millis = nanos <= 0 ? 0 : (nanos - 1) / 1_000_000L + 1;
            return millis == 0 ? sel.selectNow(action) : sel.select(action, millis);
        } finally {
            if (Thread.interrupted()) {
                interrupted = true; // rule 4
            }
            if (!state.compareAndSet(PARKED, EMPTY)) {
                state.set(EMPTY);
            }
            selector = null;
        }
    }

    /** @return whether an interrupt was absorbed and not yet restored (for tests) */
    boolean hasAbsorbedInterrupt() {
        return interrupted;
    }

    /** Wakes the owner, or stores the wake-up for its next park (rule 1). Any thread. */
    public void unpark() {
        if (state.getAndSet(NOTIFIED) == PARKED) {
            Selector sel = selector;
            if (sel != null) {
                sel.wakeup();
            } else {
                LockSupport.unpark(owner);
            }
        }
    }

    /** Re-asserts an interrupt that arrived while parked (rule 4). Owner only. */
    public void restoreInterrupt() {
        if (interrupted) {
            interrupted = false;
            owner.interrupt();
        }
    }
}
