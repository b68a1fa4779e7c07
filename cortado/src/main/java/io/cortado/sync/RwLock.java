package io.cortado.sync;

import io.cortado.Future;

/**
 * An async readers-writer lock around a value: many readers at once, or one writer. Fair: requests are served in
 * FIFO order, so a waiting writer holds back readers that come after it and is never starved (a
 * {@link Semaphore} where a reader takes one permit and a writer takes them all, Tokio's design).
 *
 * <p>Guarded by {@code SemaphoreTest}, {@code LockLincheckTest} (waiting, release and cancel across threads) and
 * {@code RwLockStressTest} (readers and writers waiting on two workers: exclusion checked inside the critical
 * sections, a queued writer never overtaken by later readers).
 *
 * @param <T> the type of the guarded value
 */
public final class RwLock<T> {
    /** The most readers at once. */
    public static final int MAX_READERS = 1 << 20;

    private final Semaphore semaphore = new Semaphore(MAX_READERS);
    /** What tasks waiting in {@link #read()} and {@link #write()} show in a task dump. */
    private final Described readWait = new Described(() -> "RwLock.read on " + this);
    private final Described writeWait = new Described(() -> "RwLock.write on " + this);
    private volatile T value;

    /** @param value the initial value (may be {@code null}) */
    public RwLock(T value) {
        this.value = value;
    }

    /**
     * Waits for shared access. <b>Cancel safety:</b> a cancelled {@code read()} holds nothing and passes its turn on.
     *
     * @return a future of the read guard
     */
    public Future<ReadGuard<T>> read() {
        return semaphore.acquire(1, readWait).map(p -> new ReadGuard<>(this, p));
    }

    /**
     * Waits for exclusive access. <b>Cancel safety:</b> a cancelled {@code write()} holds nothing (the permits it had
     * collected go back) and passes its turn on.
     *
     * @return a future of the write guard
     */
    public Future<WriteGuard<T>> write() {
        return semaphore.acquire(MAX_READERS, writeWait).map(p -> new WriteGuard<>(this, p));
    }

    /** @return a read guard if available now without waiting, else {@code null} */
    public ReadGuard<T> tryRead() {
        Semaphore.Permit p = semaphore.tryAcquire(1);
        return p == null ? null : new ReadGuard<>(this, p);
    }

    /** @return a write guard if available now without waiting, else {@code null} */
    public WriteGuard<T> tryWrite() {
        Semaphore.Permit p = semaphore.tryAcquire(MAX_READERS);
        return p == null ? null : new WriteGuard<>(this, p);
    }

    /**
     * A snapshot for reports: {@code free}, {@code readers=n} or {@code write-locked} while nobody waits; with
     * waiters, {@code locked, waiters} (a writer first in line holds the permits it has collected, so the readers
     * cannot be counted then).
     */
    @Override
    public String toString() {
        int free = semaphore.availablePermits();
        if (semaphore.hasWaiters()) {
            return "RwLock[locked, waiters]";
        }
        String held = free == MAX_READERS ? "free" : free == 0 ? "write-locked" : "readers=" + (MAX_READERS - free);
        return "RwLock[" + held + "]";
    }

    /**
     * Shared access; {@link #close()} releases it.
     *
     * @param <T> the type of the guarded value
     */
    public static final class ReadGuard<T> implements AutoCloseable {
        private final RwLock<T> lock;
        private final Semaphore.Permit permit;

        ReadGuard(RwLock<T> lock, Semaphore.Permit permit) {
            this.lock = lock;
            this.permit = permit;
        }

        /** @return the guarded value */
        public T get() {
            return lock.value;
        }

        /** Releases the read access (once). */
        @Override
        public void close() {
            permit.close();
        }
    }

    /**
     * Exclusive access; {@link #close()} releases it.
     *
     * @param <T> the type of the guarded value
     */
    public static final class WriteGuard<T> implements AutoCloseable {
        private final RwLock<T> lock;
        private final Semaphore.Permit permit;

        WriteGuard(RwLock<T> lock, Semaphore.Permit permit) {
            this.lock = lock;
            this.permit = permit;
        }

        /** @return the guarded value */
        public T get() {
            return lock.value;
        }

        /** @param value the new guarded value */
        public void set(T value) {
            lock.value = value;
        }

        /** Releases the write access (once). */
        @Override
        public void close() {
            permit.close();
        }
    }
}
