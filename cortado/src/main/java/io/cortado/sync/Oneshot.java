package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A channel for one value from one sender to one receiver. The receiver is a future of the value; it fails with
 * {@link ClosedException} if the sender closes without sending. The sender learns when the receiver is gone
 * ({@link Sender#isClosed()}, {@link Sender#closed()}), and {@link Sender#send} then hands the value back.
 * <pre>{@code
 * Oneshot.Channel<String> ch = Oneshot.channel();
 * Task.spawn(Futures.lazy(() -> { ch.sender().send("hi"); return null; }));
 * String v = await(ch.receiver());
 * }</pre>
 *
 * <h2>State</h2>
 * One {@code int} in the receiver (which holds the channel's state; the sender is a view of it, so a channel is two
 * small objects): {@code VALUE | TX_CLOSED | RX_CLOSED}, set with CAS, never cleared.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The sender writes the value, then sets VALUE (CAS, release), then reads the receiver's waker. The receiver
 *       writes its waker (volatile), then reads the state. Dekker: either the receiver sees VALUE or the sender sees
 *       the waker and wakes it.</li>
 *   <li>A send after RX_CLOSED fails and keeps the value with the caller. A send after a send or a sender close is a
 *       programming error ({@link IllegalStateException}).</li>
 *   <li>The sender's close sets TX_CLOSED and wakes the receiver (which then fails unless VALUE is set). The
 *       receiver's close (or the cancellation of its future) sets RX_CLOSED and wakes the sender's
 *       {@link Sender#closed()} waiter, with the same Dekker pair on the sender's waker.</li>
 * </ol>
 * Guarded by {@code ChannelTest}, {@code OneshotLincheckTest} and the jcstress litmus tests of
 * {@code WakeUpProtocols} (rule 1).
 *
 */
public final class Oneshot {
    private static final int VALUE = 1;
    private static final int TX_CLOSED = 2;
    private static final int RX_CLOSED = 4;

    private Oneshot() {
    }

    /**
     * @param <T> the value type
     * @return a new channel
     */
    public static <T> Channel<T> channel() {
        Receiver<T> rx = new Receiver<>();
        return new Channel<>(new Sender<>(rx), rx);
    }

    /**
     * The two halves of a one-shot channel.
     *
     * @param sender   the sending half
     * @param receiver the receiving half, a future of the value
     * @param <T>      the value type
     */
    public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {
    }

    private static void wake(Waker w) {
        if (w != null) {
            w.wake();
        }
    }

    /**
     * The sending half.
     *
     * @param <T> the value type
     */
    public static final class Sender<T> implements AutoCloseable {
        private final Receiver<T> ch;

        Sender(Receiver<T> ch) {
            this.ch = ch;
        }

        /**
         * Sends the value (rules 1, 2). Never waits.
         *
         * @param value the value, not {@code null}
         * @return {@code true} if delivered to the channel; {@code false} if the receiver is gone (the value stays
         * with the caller)
         * @throws IllegalStateException if a value was already sent or the sender was closed
         */
        public boolean send(T value) {
            Objects.requireNonNull(value, "value");
            int s = ch.state;
            if ((s & (VALUE | TX_CLOSED)) != 0) {
                throw new IllegalStateException("a oneshot sends once: " + ((s & VALUE) != 0 ? "already sent"
                        : "the sender is closed"));
            }
            if ((s & RX_CLOSED) != 0) {
                return false;
            }
            ch.value = value;
            int prev = ch.setBits(VALUE | TX_CLOSED);
            if ((prev & RX_CLOSED) != 0) {
                ch.value = null; // the receiver left meanwhile; it will never read the value
                return false;
            }
            wake(ch.rxWaker);
            return true;
        }

        /** @return whether the receiver is gone (closed or its future cancelled) */
        public boolean isClosed() {
            return (ch.state & RX_CLOSED) != 0;
        }

        /**
         * A future that completes when the receiver is gone (rule 3), for a sender that wants to stop work nobody
         * will read. <b>Cancel safety:</b> cancelling it has no effect on the channel.
         *
         * @return the future
         */
        public Future<Void> closed() {
            return new Future<>() {
                @Override
                public Poll<Void> poll(Context cx) {
                    if (isClosed()) {
                        return Poll.ready(null);
                    }
                    ch.txWaker = cx.waker();
                    if (isClosed()) {
                        return Poll.ready(null);
                    }
                    cx.waitingOn(this);
                    return Poll.pending();
                }

                @Override
                public String toString() {
                    return "Oneshot.Sender.closed (the receiver is still open)";
                }

                @Override
                public void cancel() {
                    ch.txWaker = null;
                }
            };
        }

        /** Closes without sending (if nothing was sent): the receiver fails with {@link ClosedException}. */
        @Override
        public void close() {
            int prev = ch.setBits(TX_CLOSED);
            if ((prev & TX_CLOSED) == 0) {
                wake(ch.rxWaker);
            }
        }
    }

    /**
     * The receiving half: a future of the value; it also holds the channel's state.
     *
     * <p><b>Cancel safety:</b> cancelling the receiver closes the channel: the value, sent or not, is dropped and
     * the sender sees the receiver gone.
     *
     * @param <T> the value type
     */
    public static final class Receiver<T> implements Future<T>, AutoCloseable {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Receiver.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through STATE
        private volatile int state;
        /** Written before VALUE is set; read after it is seen. */
        private T value;
        private volatile Waker rxWaker;
        private volatile Waker txWaker;

        Receiver() {
        }

        private int setBits(int bits) {
            for (; ; ) {
                int s = state;
                if ((s & bits) == bits || STATE.compareAndSet(this, s, s | bits)) {
                    return s;
                }
            }
        }

        @Override
        public Poll<T> poll(Context cx) {
            Poll<T> p = check();
            if (p != null) {
                return p;
            }
            Waker w = cx.waker();
            Waker current = rxWaker;
            if (current == null || !current.willWake(w)) {
                rxWaker = w;
            }
            p = check();
            if (p != null) {
                return p;
            }
            cx.waitingOn(this);
            return Poll.pending();
        }

        /** For task dumps: what the receiver waits for. */
        @Override
        public String toString() {
            int s = state;
            return "Oneshot.Receiver[" + ((s & VALUE) != 0 ? "value sent" : (s & TX_CLOSED) != 0 ? "sender closed"
                    : (s & RX_CLOSED) != 0 ? "closed" : "waiting for the value") + "]";
        }

        private Poll<T> check() {
            int s = state;
            if ((s & VALUE) != 0) {
                return Poll.ready(value);
            }
            if ((s & RX_CLOSED) != 0) {
                throw new ClosedException("the oneshot receiver is closed");
            }
            if ((s & TX_CLOSED) != 0) {
                throw new ClosedException("the oneshot sender closed without sending");
            }
            return null;
        }

        /**
         * @return the value if it has been sent, else {@code null} (does not wait)
         * @throws ClosedException if the sender closed without sending
         */
        public T tryRecv() {
            Poll<T> p = check();
            return p == null ? null : p.value();
        }

        /** Rule 3: the receiver is gone; the sender is told. Idempotent. */
        @Override
        public void close() {
            int prev = setBits(RX_CLOSED);
            if ((prev & RX_CLOSED) == 0) {
                rxWaker = null;
                wake(txWaker);
            }
        }

        /** Cancel safety: see the class comment. */
        @Override
        public void cancel() {
            close();
        }
    }
}
