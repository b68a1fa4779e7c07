package io.cortado.sync;

import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.Checks;
import io.cortado.internal.SpinLock;

import java.io.Serial;
import java.util.Objects;

/**
 * A multi-producer, multi-consumer channel where every receiver sees every message (Tokio's {@code broadcast}).
 * Messages sit in a ring of {@code capacity} slots; senders never wait: a receiver that falls more than
 * {@code capacity} messages behind loses the oldest and learns how many ({@link LaggedException}) instead of
 * holding the senders back.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The ring, the sequence number of the next message ({@code tail}), the receiver count and the closed flag
 *       are guarded by a {@link SpinLock}. Message {@code k} lives in slot {@code k % capacity} until message
 *       {@code k + capacity} overwrites it.</li>
 *   <li>A receiver keeps the sequence number of the next message it wants. If that message was overwritten, its
 *       next {@code recv} fails with the number missed and moves it to the oldest message still held.</li>
 *   <li>A send wakes every waiting receiver ({@link Notify#notifyWaiters()}); a receiver creates its
 *       {@code notified()} future before it looks at {@code tail}, so no send is missed (Notify rule 3).</li>
 *   <li>When every sender is closed, receivers drain what they have not seen and then get {@code null}.</li>
 * </ol>
 * Guarded by {@code PrimitivesTest}, {@code BroadcastLincheckTest} (rules 2-4 model checked: a receiver's
 * {@code recv} racing two senders with a ring of 1 or 2; no lost wake, received plus lag equals sent) and
 * {@code BroadcastStressTest} (receivers waiting on two workers: every message in order or an exact lag count, the
 * last sender's close wakes every receiver waiting or registering).
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * @param capacity how many messages are kept for slow receivers, 1 to 2^20
     * @param <T>      the message type
     * @return a new channel; more receivers come from {@link Sender#subscribe()}
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <T> Channel<T> channel(int capacity) {
        Shared<T> s = new Shared<>(Checks.checkInRange(capacity, 1, 1 << 20, "capacity"));
        return new Channel<>(new Sender<>(s), new Receiver<>(s, 0));
    }

    /**
     * The two halves.
     *
     * @param sender   the first sender
     * @param receiver the first receiver
     * @param <T>      the message type
     */
    public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {
    }

    /** A receiver fell behind: {@link #missed()} messages were overwritten before it read them. */
    public static final class LaggedException extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final long missed;

        LaggedException(long missed) {
            super("the receiver lagged behind and missed " + missed + " messages");
            this.missed = missed;
        }

        /** @return how many messages were lost */
        public long missed() {
            return missed;
        }
    }

    private static final class Shared<T> {
        final SpinLock lock = new SpinLock();
        final Notify notify = new Notify();
        final Object[] ring;
        long tail;
        int senders = 1;

        Shared(int capacity) {
            ring = new Object[capacity];
        }
    }

    /**
     * A sending half; thread-safe.
     *
     * @param <T> the message type
     */
    public static final class Sender<T> implements AutoCloseable {
        private final Shared<T> s;
        private boolean closed;

        Sender(Shared<T> s) {
            this.s = s;
        }

        /**
         * Sends to every receiver; never waits.
         *
         * @param value the message, not {@code null}
         * @throws IllegalStateException if this sender is closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            s.lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("this broadcast sender is closed");
                }
                s.ring[(int) (s.tail % s.ring.length)] = value;
                s.tail++;
            } finally {
                s.lock.unlock();
            }
            s.notify.notifyWaiters();
        }

        /** @return a new receiver that gets the messages sent from now on */
        public Receiver<T> subscribe() {
            s.lock.lock();
            try {
                return new Receiver<>(s, s.tail);
            } finally {
                s.lock.unlock();
            }
        }

        /** @return another sender of the same channel (close it too) */
        public Sender<T> duplicate() {
            s.lock.lock();
            try {
                if (s.senders == 0) {
                    throw new IllegalStateException("every sender of this channel is closed");
                }
                s.senders++;
            } finally {
                s.lock.unlock();
            }
            return new Sender<>(s);
        }

        /** Closes this sender (once); after the last one, receivers get {@code null} once drained (rule 4). */
        @Override
        public void close() {
            s.lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                s.senders--;
            } finally {
                s.lock.unlock();
            }
            s.notify.notifyWaiters();
        }
    }

    /**
     * A receiving half; used by one task at a time.
     *
     * @param <T> the message type
     */
    public static final class Receiver<T> {
        private final Shared<T> s;
        private long next;

        Receiver(Shared<T> s, long next) {
            this.s = s;
            this.next = next;
        }

        /**
         * The next message; {@code null} once every sender is closed and this receiver has read everything. Fails
         * with {@link LaggedException} if messages were overwritten before this receiver read them (rule 2); the
         * next call continues with the oldest message kept. <b>Cancel safety:</b> a cancelled {@code recv} loses no
         * message.
         *
         * @return a future of the next message
         */
        public Future<T> recv() {
            return new Notify.WaitUntil<>(s.notify) {
                @Override
                Poll<T> check() {
                    return tryNext();
                }

                @Override
                public String toString() { // racy reads, no lock: a dump must not wait
                    return "Broadcast.Receiver.recv[next message " + next + ", sent " + s.tail + ", senders "
                            + s.senders + "]";
                }
            };
        }

        /**
         * @return the next message if one is there, else {@code null} (never waits)
         * @throws LaggedException if messages were lost (rule 2)
         */
        public T tryRecv() {
            Poll<T> p = tryNext();
            return p == null ? null : p.value();
        }

        /** @return Ready(message), Ready(null) at the end, or {@code null} if nothing is there yet */
        @SuppressWarnings("unchecked")
        private Poll<T> tryNext() {
            s.lock.lock();
            try {
                long oldest = Math.max(0, s.tail - s.ring.length);
                if (next < oldest) {
                    long missed = oldest - next;
                    next = oldest;
                    throw new LaggedException(missed);
                }
                if (next < s.tail) {
                    T v = (T) s.ring[(int) (next % s.ring.length)];
                    next++;
                    return Poll.ready(v);
                }
                return s.senders == 0 ? Poll.ready(null) : null;
            } finally {
                s.lock.unlock();
            }
        }
    }
}
