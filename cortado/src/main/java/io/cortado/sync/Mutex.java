package io.cortado.sync;

import io.cortado.Future;

/**
 * An async mutual-exclusion lock around a value: {@link #lock()} waits (without blocking a thread) until the
 * lock is free; waiters get it in FIFO order (a {@link Semaphore} of one permit). Hold it with
 * try-with-resources: {@code try (var g = await(m.lock())) { g.set(g.get() + 1); }}.
 *
 * <p>Everything written through a guard before it is closed is visible to the next holder (the semaphore's release
 * and acquire order them).
 *
 * <p>Guarded by {@code SemaphoreTest} and {@code LockLincheckTest} (waiting, release and cancel across threads).
 *
 * @param <T> the type of the guarded value
 */
public final class Mutex<T> {
    private final Semaphore semaphore = new Semaphore(1);
    /** What a task waiting in {@link #lock()} shows in a task dump. */
    private final Described lockWait = new Described(() -> "Mutex.lock on " + this);
    private T value;

    /** @param value the initial value (may be {@code null}) */
    public Mutex(T value) {
        this.value = value;
    }

    /**
     * Waits for the lock. <b>Cancel safety:</b> a cancelled {@code lock()} holds nothing and passes its turn to the
     * next waiter.
     *
     * @return a future of the guard
     */
    public Future<Guard<T>> lock() {
        return semaphore.acquire(1, lockWait).map(p -> new Guard<>(this, p));
    }

    /** @return the guard if the lock is free now (and nobody waits for it), else {@code null} */
    public Guard<T> tryLock() {
        Semaphore.Permit p = semaphore.tryAcquire(1);
        return p == null ? null : new Guard<>(this, p);
    }

    /** @return whether the lock is held right now (a snapshot) */
    public boolean isLocked() {
        return semaphore.availablePermits() == 0;
    }

    @Override
    public String toString() {
        return "Mutex[" + (isLocked() ? "locked" : "free") + (semaphore.hasWaiters() ? ", waiters" : "") + "]";
    }

    /**
     * Holds the lock; {@link #close()} releases it.
     *
     * @param <T> the type of the guarded value
     */
    public static final class Guard<T> implements AutoCloseable {
        private final Mutex<T> mutex;
        private final Semaphore.Permit permit;

        Guard(Mutex<T> mutex, Semaphore.Permit permit) {
            this.mutex = mutex;
            this.permit = permit;
        }

        /** @return the guarded value */
        public T get() {
            return mutex.value;
        }

        /** @param value the new guarded value */
        public void set(T value) {
            mutex.value = value;
        }

        /** Releases the lock (once; later calls do nothing). */
        @Override
        public void close() {
            permit.close();
        }
    }
}
