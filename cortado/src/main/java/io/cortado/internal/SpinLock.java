package io.cortado.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A test-and-set lock for critical sections of a few stores: one CAS to take it, one release store to give it
 * back (a monitor costs a second atomic on exit, and inflates under contention). Waiters spin briefly, then yield,
 * so a holder that was descheduled gets the core back. Not reentrant. Subclass it to keep the lock word on the same
 * cache line as the data it guards, or hold one. Guarded by {@code SpinLockLincheckTest} (mutual exclusion through
 * {@code lock} and {@code tryLock}, model checked and stressed; no unlock lost).
 */
public class SpinLock {
    private static final VarHandle LOCKED;
    private static final int SPINS = 64;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(SpinLock.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through LOCKED
    private volatile int locked;

    /** Takes the lock, waiting as long as it takes. */
    public final void lock() {
        if (!LOCKED.compareAndSet(this, 0, 1)) {
            lockSlow();
        }
    }

    private void lockSlow() {
        for (int spins = 0; !LOCKED.compareAndSet(this, 0, 1); spins++) {
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** @return whether the lock was free and is now held */
    public final boolean tryLock() {
        return (int) LOCKED.getOpaque(this) == 0 && LOCKED.compareAndSet(this, 0, 1);
    }

    /** Gives the lock back (release: everything written while holding it is visible to the next holder). */
    public final void unlock() {
        LOCKED.setRelease(this, 0);
    }
}
