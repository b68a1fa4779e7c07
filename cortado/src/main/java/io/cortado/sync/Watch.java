package io.cortado.sync;

import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.SpinLock;

import java.util.Objects;

/**
 * A single value that changes over time, watched by any number of receivers (Tokio's {@code watch}). A receiver
 * sees the latest value ({@link Receiver#borrow()}) and waits for a newer one ({@link Receiver#changed()});
 * intermediate values may be skipped, the latest never is.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The value, its version and the closed flag change under a {@link SpinLock}; every change then wakes all
 *       waiting receivers ({@link Notify#notifyWaiters()}). The version is a seqlock: odd while a send writes, so a
 *       reader takes a value and its version as one consistent pair without the lock.</li>
 *   <li>{@code changed()} creates its {@link Notify#notified()} future <i>before</i> it compares versions, so a
 *       change that lands between the comparison and the wait still completes it (Notify rule 3).</li>
 * </ol>
 * Guarded by {@code PrimitivesTest}, {@code WatchLincheckTest} and {@code WatchStressTest} (receivers waiting on two
 * workers: values only move forward, the final one is never missed, a send or a close wakes every receiver waiting
 * or registering).
 */
public final class Watch {
    private Watch() {
    }

    /**
     * @param initial the first value, not {@code null}
     * @param <T>     the value type
     * @return a new channel; more receivers come from {@link Receiver#duplicate()} or {@link Sender#subscribe()}
     */
    public static <T> Channel<T> channel(T initial) {
        Shared<T> s = new Shared<>(Objects.requireNonNull(initial, "initial"));
        return new Channel<>(new Sender<>(s), new Receiver<>(s, 0));
    }

    /**
     * The two halves.
     *
     * @param sender   the sender
     * @param receiver the first receiver
     * @param <T>      the value type
     */
    public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {
    }

    private static final class Shared<T> {
        final SpinLock lock = new SpinLock();
        final Notify notify = new Notify();
        volatile T value;
        /** Two per value sent; odd while a send writes (rule 1's seqlock). */
        volatile long version;
        volatile boolean closed;

        Shared(T value) {
            this.value = value;
        }

        long stableVersion() {
            for (; ; ) {
                long v = version;
                if ((v & 1) == 0) {
                    return v;
                }
                Thread.onSpinWait(); // a send is between its two version writes, under the lock
            }
        }
    }

    /**
     * The sending half.
     *
     * @param <T> the value type
     */
    public static final class Sender<T> implements AutoCloseable {
        private final Shared<T> s;

        Sender(Shared<T> s) {
            this.s = s;
        }

        /**
         * Replaces the value and wakes every receiver waiting in {@code changed()}. Never waits.
         *
         * @param value the new value, not {@code null}
         * @throws IllegalStateException if the sender is closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            s.lock.lock();
            try {
                if (s.closed) {
                    throw new IllegalStateException("the watch sender is closed");
                }
                s.version = s.version + 1; // odd: a write is in progress (a seqlock for borrow)
                s.value = value;
                s.version = s.version + 1; // even again: one more value
            } finally {
                s.lock.unlock();
            }
            s.notify.notifyWaiters();
        }

        /** @return the current value */
        public T borrow() {
            return s.value;
        }

        /** @return a new receiver that has seen the current value */
        public Receiver<T> subscribe() {
            return new Receiver<>(s, s.stableVersion());
        }

        /** Closes the channel: waiting and later {@code changed()} calls fail once they have seen the last value. */
        @Override
        public void close() {
            s.lock.lock();
            try {
                s.closed = true;
            } finally {
                s.lock.unlock();
            }
            s.notify.notifyWaiters();
        }
    }

    /**
     * A receiving half; used by one task at a time.
     *
     * @param <T> the value type
     */
    public static final class Receiver<T> {
        private final Shared<T> s;
        private long seen;

        Receiver(Shared<T> s, long seen) {
            this.s = s;
            this.seen = seen;
        }

        /** @return the latest value (marks it seen; the value and its version are read as a consistent pair) */
        public T borrow() {
            for (; ; ) {
                long v = s.stableVersion(); // a seqlock read: even version, value, same version
                T value = s.value;
                if (s.version == v) {
                    seen = v;
                    return value;
                }
            }
        }

        /** @return whether a value newer than the last one seen was sent */
        public boolean hasChanged() {
            return s.stableVersion() != seen;
        }

        /** @return another receiver that has seen what this one has */
        public Receiver<T> duplicate() {
            return new Receiver<>(s, seen);
        }

        /**
         * Waits for a value newer than the last one seen, and marks it seen. Fails with {@link ClosedException}
         * once the sender is closed and the latest value was seen. <b>Cancel safety:</b> cancelling it loses
         * nothing: the change stays visible to the next {@code changed()} or {@link #hasChanged()}.
         *
         * @return a future that completes when the value changed
         */
        public Future<Void> changed() {
            return new Notify.WaitUntil<>(s.notify) {
                @Override
                Poll<Void> check() {
                    long v = s.stableVersion();
                    if (v != seen) {
                        seen = v;
                        return Poll.ready(null);
                    }
                    if (s.closed) {
                        throw new ClosedException("the watch sender is closed");
                    }
                    return null;
                }

                @Override
                public String toString() {
                    return "Watch.Receiver.changed[seen value " + seen / 2 + ", latest " + s.version / 2
                            + (s.closed ? ", closed]" : "]");
                }
            };
        }
    }
}
