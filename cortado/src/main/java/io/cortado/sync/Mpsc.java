package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.internal.Checks;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Multi-producer, single-consumer channels: {@link #bounded(int)} (senders wait while it is full: backpressure)
 * and {@link #unbounded()} (sending never waits). The receiver gets every message, in each sender's order;
 * {@link Receiver#recv()} completes with {@code null} at the end of the stream, once every sender is closed (or the
 * receiver is) and the buffer is drained (messages may therefore not be {@code null}).
 * <pre>{@code
 * var ch = Mpsc.<String>bounded(64);
 * var tx = ch.sender();
 * Task.spawn(Async.fn(() -> { await(tx.send("a")); tx.close(); return null; }));
 * for (String m; (m = await(ch.receiver().recv())) != null; ) { ... }
 * }</pre>
 * Java has no destructors: a sender that is not {@linkplain Sender#close() closed} keeps the stream open. Each
 * {@link Sender#duplicate()} must be closed too. To stop a consumer without losing a message whatever the senders
 * do, close the receiver and drain it: {@link Receiver#recv()} then yields what was sent and ends the stream.
 * A channel belongs to no runtime: closing a runtime leaves it working for whoever still holds its ends.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Queue.</b> Messages travel through Vyukov's multi-producer linked queue: a push is one atomic exchange on
 *       the tail and a release store of the link; the receiver alone moves the head. A message whose link is still
 *       in flight is waited for (the producer is between two instructions), never reported as absent.</li>
 *   <li><b>No lost wake-up.</b> A sender pushes (exchange: a full fence), then reads the receiver's waker; the
 *       receiver writes its waker (volatile), then looks at the tail. Either the receiver sees the message or the
 *       sender sees the waker.</li>
 *   <li><b>Capacity</b> (bounded): a {@link Semaphore} of {@code capacity} permits. A send takes one before it
 *       pushes; the receiver gives one back when it takes a message. So at most {@code capacity} messages are
 *       buffered, and waiting senders are served in FIFO order. A send in progress counts against the capacity
 *       before its message is visible, so a concurrent {@code trySend} may see the channel full a moment early.</li>
 *   <li><b>End of stream.</b> Each sender holds one unit of the sender count; a bounded send or a reservation holds
 *       a ticket on its sender from its creation to its end (pushed, failed or cancelled), and a closed sender gives
 *       its unit back only when its last ticket ends. So the count drops to zero only after every push has
 *       completed; the receiver that sees zero looks at the queue once more before it reports the end, so no
 *       message is lost, even from a send created before its sender was closed.</li>
 *   <li><b>Receiver close</b> closes the semaphore (waiting senders fail) and makes every later send fail with a
 *       {@link ClosedException} that hands the value back; what is buffered can still be received, and then the
 *       stream ends, whatever senders are still open (close, then drain: Tokio's way to stop a consumer without
 *       losing a message). The close may come from another task than the receiving one: it writes the closed
 *       state, then reads the receiver's waker and wakes it; a waiting {@code recv} wrote its waker before it
 *       looked for the end, so it either sees the close or is woken (as rule 2).</li>
 *   <li><b>Sends in flight at a receiver close.</b> A send is counted before it pushes, and the count drops only
 *       when the receiver takes the message: bounded, the permit it took from the semaphore (given back by the
 *       receiver's take, or by the send itself if it is cancelled before it pushes); unbounded, a message count in
 *       one word with the CLOSED bit ({@code messages << 1 | CLOSED}), raised by a CAS that fails once CLOSED is
 *       set. A send that was counted before the close always pushes; one that was not fails with
 *       {@link ClosedException}: never both, never neither. After the close the receiver reports the end only when
 *       the count is back to zero (the semaphore closed, then all permits home; no message counted), so every
 *       counted message is received first; a permit given back unused after the close wakes the receiver, which
 *       may be waiting for it.</li>
 *   <li><b>Unbounded end by senders.</b> An unbounded channel whose senders are all closed ends when the receiver
 *       moves the count from exactly zero to CLOSED; a send racing the close of its own sender is thus either
 *       counted first (and received) or fails with {@link ClosedException}.</li>
 * </ol>
 * Guarded by {@code ChannelTest}, {@code BoundedMpscLincheckTest}, {@code UnboundedMpscLincheckTest},
 * {@code SyncStressTest} and {@code MpscCloseLincheckTest}.
 */
public final class Mpsc {
    private Mpsc() {
    }

    /**
     * @param capacity how many messages may wait in the channel, 1 to {@link Semaphore#MAX_PERMITS}
     * @param <T>      the message type
     * @return a new bounded channel
     * @throws IllegalArgumentException if {@code capacity} is out of range
     */
    public static <T> Channel<T> bounded(int capacity) {
        Checks.checkInRange(capacity, 1, Semaphore.MAX_PERMITS, "capacity");
        Chan<T> c = new Chan<>(new Semaphore(capacity));
        return new Channel<>(new Sender<>(c), new Receiver<>(c));
    }

    /**
     * @param <T> the message type
     * @return a new unbounded channel
     */
    public static <T> UnboundedChannel<T> unbounded() {
        Chan<T> c = new Chan<>(null);
        return new UnboundedChannel<>(new UnboundedSender<>(c), new Receiver<>(c));
    }

    /**
     * A bounded channel's two halves.
     *
     * @param sender   the first sender (duplicate it for more)
     * @param receiver the receiver
     * @param <T>      the message type
     */
    public record Channel<T>(Sender<T> sender, Receiver<T> receiver) {
    }

    /**
     * An unbounded channel's two halves.
     *
     * @param sender   the first sender (duplicate it for more)
     * @param receiver the receiver
     * @param <T>      the message type
     */
    public record UnboundedChannel<T>(UnboundedSender<T> sender, Receiver<T> receiver) {
    }

    /** What {@link Sender#trySend} did. */
    public enum TrySend {
        /** The message is in the channel. */
        SENT,
        /** The channel is full; the message stays with the caller. */
        FULL,
        /** The receiver is gone; the message stays with the caller. */
        CLOSED
    }

    /** A message in the queue. */
    private static final class Node<T> {
        private static final VarHandle NEXT;

        static {
            try {
                NEXT = MethodHandles.lookup().findVarHandle(Node.class, "next", Node.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        T value;
        @SuppressWarnings("unused") // through NEXT
        private volatile Node<T> next;

        Node(T value) {
            this.value = value;
        }

        @SuppressWarnings("unchecked")
        Node<T> nextAcquire() {
            return (Node<T>) NEXT.getAcquire(this);
        }

        void setNextRelease(Node<T> n) {
            NEXT.setRelease(this, n);
        }
    }

    /** The shared state of one channel. */
    private static final class Chan<T> {
        private static final VarHandle TAIL;
        private static final VarHandle SENDERS;
        private static final VarHandle COUNT;
        private static final long COUNT_CLOSED = 1;
        private static final long ONE_MESSAGE = 2;

        static {
            try {
                var l = MethodHandles.lookup();
                TAIL = l.findVarHandle(Chan.class, "tail", Node.class);
                SENDERS = l.findVarHandle(Chan.class, "senders", int.class);
                COUNT = l.findVarHandle(Chan.class, "count", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** {@code null} for an unbounded channel. */
        final Semaphore capacity;
        /** The bounded channel's permits in all: the semaphore is idle (no send in flight) when it holds them all. */
        private final int permits;
        /** Unbounded only: {@code messages << 1 | COUNT_CLOSED}, the messages counted and not yet taken (rule 6). */
        @SuppressWarnings("unused") // through COUNT
        private volatile long count;
        /** The receiver's: the node before the first message (a consumed node serves as the stub). */
        private Node<T> head;
        @SuppressWarnings("unused") // through TAIL
        private volatile Node<T> tail;
        @SuppressWarnings("unused") // through SENDERS
        private volatile int senders = 1;
        volatile boolean rxClosed;
        volatile Waker rxWaker;

        Chan(Semaphore capacity) {
            this.capacity = capacity;
            this.permits = capacity == null ? 0 : capacity.availablePermits();
            Node<T> stub = new Node<>(null);
            head = stub;
            TAIL.set(this, stub);
        }

        /** Rules 1, 2. */
        void push(T value) {
            Node<T> n = new Node<>(value);
            @SuppressWarnings("unchecked")
            Node<T> prev = (Node<T>) TAIL.getAndSet(this, n);
            prev.setNextRelease(n);
            Waker w = rxWaker;
            if (w != null) {
                w.wake();
            }
        }

        /** The receiver takes the next message, or {@code null} if the queue is empty (rule 1). */
        T pop() {
            Node<T> h = head;
            Node<T> next = h.nextAcquire();
            if (next == null) {
                if (TAIL.getVolatile(this) == h) {
                    return null;
                }
                for (int spins = 0; (next = h.nextAcquire()) == null; spins++) {
                    if (spins < 64) {
                        Thread.onSpinWait();
                    } else {
                        Thread.yield(); // the producer was descheduled between its exchange and its link
                    }
                }
            }
            T v = next.value;
            next.value = null; // next becomes the stub
            head = next;
            if (capacity != null) {
                capacity.release(1); // rule 3
            } else {
                COUNT.getAndAdd(this, -ONE_MESSAGE); // rule 6
            }
            return v;
        }

        /** Unbounded: counts a message about to be pushed; {@code false} once the channel is closed (rule 6). */
        boolean countMessage() {
            for (; ; ) {
                long c = count;
                if ((c & COUNT_CLOSED) != 0) {
                    return false;
                }
                if (COUNT.compareAndSet(this, c, c + ONE_MESSAGE)) {
                    return true;
                }
            }
        }

        /** The receiver's close (rule 5); it wakes a {@code recv} waiting on another task, which may now end. */
        void closeRx() {
            rxClosed = true;
            if (capacity != null) {
                capacity.close();
            } else {
                COUNT.getAndBitwiseOr(this, COUNT_CLOSED);
            }
            Waker w = rxWaker;
            if (w != null) {
                w.wake();
            }
        }

        /**
         * The receiver found the queue empty: has the stream ended? Bounded: every sender's tickets ended (rule 4),
         * or the receiver closed and every permit is home (rule 6). Unbounded: the count is zero and CLOSED, closed
         * here if every sender is gone (rule 7).
         */
        boolean ended() {
            if (capacity != null) {
                return senders == 0 || allPermitsHomeAfterClose();
            }
            for (; ; ) {
                long c = count;
                if (c >= ONE_MESSAGE) {
                    return false; // a message is buffered or about to be pushed: its push wakes the receiver
                }
                if (c == COUNT_CLOSED) {
                    return true;
                }
                if (senders != 0) {
                    return false;
                }
                if (COUNT.compareAndSet(this, 0L, COUNT_CLOSED)) {
                    return true;
                }
            }
        }

        /** What a task dump shows for a bounded send or reserve waiting for room. */
        Object fullWaiter() {
            return new Described(() -> "Mpsc send: the channel is full (capacity " + permits + ")");
        }

        /**
         * Bounded, rule 6: the semaphore is closed (not merely {@link #rxClosed}: until the closer's CAS no acquire
         * is refused) and every permit is home; from the CAS on no permit can be taken again, so this stays true.
         */
        private boolean allPermitsHomeAfterClose() {
            return capacity.isClosed() && capacity.availablePermits() == permits;
        }

        /** A bounded send gave its permit back unused: after a receiver close, the receiver may wait for it (6). */
        void permitReturned() {
            if (rxClosed) {
                Waker w = rxWaker;
                if (w != null) {
                    w.wake();
                }
            }
        }

        boolean isEmpty() {
            return TAIL.getVolatile(this) == head;
        }

        /** Rules 4, 6, 7 without changing anything (a snapshot, for {@code isClosedAndEmpty}). */
        boolean hasEnded() {
            if (!isEmpty()) {
                return false;
            }
            if (capacity != null) {
                return senders == 0 || allPermitsHomeAfterClose();
            }
            long c = count;
            return c == COUNT_CLOSED || (c == 0 && senders == 0);
        }

        void addSender() {
            for (; ; ) {
                int s = senders;
                if (s == 0) {
                    throw new IllegalStateException("every sender of this channel is closed");
                }
                if (SENDERS.compareAndSet(this, s, s + 1)) {
                    return;
                }
            }
        }

        /** Rule 4. */
        void removeSender() {
            int left = (int) SENDERS.getAndAdd(this, -1) - 1;
            if (left == 0) {
                Waker w = rxWaker;
                if (w != null) {
                    w.wake();
                }
            }
        }

        ClosedException closedFor(T value) {
            return new ClosedException("the channel's receiver is closed; the value was not sent", value);
        }
    }

    /** Shared by both sender kinds: close and duplicate bookkeeping. */
    private abstract static sealed class SenderBase<T> implements AutoCloseable permits Sender, UnboundedSender {
        private static final VarHandle STATE;
        private static final int CLOSED = 1;
        private static final int TICKET = 2;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(SenderBase.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Chan<T> chan;
        /** {@code tickets << 1 | CLOSED}: sends and reservations of this sender not finished yet (rule 4). */
        @SuppressWarnings("unused") // through STATE
        private volatile int state;

        SenderBase(Chan<T> chan) {
            this.chan = chan;
        }

        /** @return whether the receiver is gone (sends fail) */
        public boolean isClosed() {
            return chan.rxClosed;
        }

        final void checkOpen() {
            if ((state & CLOSED) != 0) {
                throw new IllegalStateException("this sender is closed");
            }
        }

        /** A send or reservation begins: this sender's share of the count stays until it ends (rule 4). */
        final void begin() {
            for (; ; ) {
                int s = state;
                if ((s & CLOSED) != 0) {
                    throw new IllegalStateException("this sender is closed");
                }
                if (STATE.compareAndSet(this, s, s + TICKET)) {
                    return;
                }
            }
        }

        /** It ended (pushed, failed or cancelled); the last one after a close gives the sender's count back. */
        final void end() {
            int prev = (int) STATE.getAndAdd(this, -TICKET);
            if (prev == (TICKET | CLOSED)) {
                chan.removeSender();
            }
        }

        /**
         * Closes this sender (once). When the last sender is closed and every send or reservation begun through
         * them has ended, the receiver sees the end of the stream: a bounded send that began before the close is
         * delivered before the end; an unbounded send racing the close is delivered or fails with
         * {@link ClosedException} (rule 7); a send that begins after it fails with {@link IllegalStateException}.
         */
        @Override
        public void close() {
            for (; ; ) {
                int s = state;
                if ((s & CLOSED) != 0) {
                    return;
                }
                if (STATE.compareAndSet(this, s, s | CLOSED)) {
                    if (s == 0) {
                        chan.removeSender(); // nothing in flight
                    }
                    return;
                }
            }
        }
    }

    /**
     * A sender of a bounded channel. Thread-safe; {@link #duplicate()} gives another sender of the same channel.
     *
     * @param <T> the message type
     */
    public static final class Sender<T> extends SenderBase<T> {
        Sender(Chan<T> chan) {
            super(chan);
        }

        /**
         * @return a new sender of the same channel (close it too)
         * @throws IllegalStateException if every sender is closed already
         */
        public Sender<T> duplicate() {
            checkOpen();
            chan.addSender();
            return new Sender<>(chan);
        }

        /**
         * Sends, waiting while the channel is full (rule 3). The future fails with {@link ClosedException} (which
         * hands the value back) if the receiver is gone. Poll it to completion or cancel it: until then it keeps its
         * sender's share of the channel open (rule 4).
         *
         * <p><b>Cancel safety:</b> a cancelled send sends nothing and takes no capacity; the value stays with the
         * caller. It is never half-sent: the message is in the channel exactly when the future completed.
         *
         * @param value the message, not {@code null}
         * @return a future that completes once the message is in the channel
         */
        public Future<Void> send(T value) {
            Objects.requireNonNull(value, "value");
            begin(); // ended when the send completes, fails or is cancelled (rule 4)
            return new Send<>(this, value);
        }

        /**
         * Sends now if there is room; never waits.
         *
         * @param value the message, not {@code null}
         * @return {@link TrySend#SENT}, or why not (the value then stays with the caller)
         */
        public TrySend trySend(T value) {
            Objects.requireNonNull(value, "value");
            checkOpen();
            if (chan.rxClosed) {
                return TrySend.CLOSED;
            }
            int r = chan.capacity.tryAcquireRaw(1); // the receiver gives the permit back when it takes the message
            if (r < 0) {
                return TrySend.CLOSED;
            }
            if (r == 0) {
                return TrySend.FULL;
            }
            chan.push(value); // counted before a receiver close: it is received (rule 6)
            return TrySend.SENT;
        }

        /**
         * Waits for room, and reserves it: the returned permit sends without waiting.
         * <b>Cancel safety:</b> a cancelled reserve holds no room and passes its turn on.
         *
         * @return a future of the reservation; it fails with {@link ClosedException} if the receiver is gone
         */
        public Future<Reservation<T>> reserve() {
            begin(); // carried by the reservation until it sends or is closed (rule 4)
            Future<Semaphore.Permit> acquire = chan.capacity.acquire(1, chan.fullWaiter());
            Sender<T> self = this;
            return new Future<>() {
                private boolean settled;

                @Override
                public Poll<Reservation<T>> poll(Context cx) {
                    Poll<Semaphore.Permit> p;
                    try {
                        p = acquire.poll(cx);
                    } catch (RuntimeException e) {
                        settle();
                        throw e;
                    }
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    settled = true; // the ticket goes to the reservation
                    return Poll.ready(new Reservation<>(self, p.value()));
                }

                private void settle() {
                    if (!settled) {
                        settled = true;
                        end();
                    }
                }

                @Override
                public void cancel() {
                    acquire.cancel(); // a room granted but not taken goes back: the draining receiver may wait for it
                    chan.permitReturned();
                    settle();
                }
            };
        }
    }

    /**
     * Room reserved in a bounded channel: {@link #send} uses it; {@link #close()} gives it back unused.
     *
     * @param <T> the message type
     */
    public static final class Reservation<T> implements AutoCloseable {
        private final Sender<T> sender;
        private final Chan<T> chan;
        private final Semaphore.Permit permit;
        private boolean used;

        Reservation(Sender<T> sender, Semaphore.Permit permit) {
            this.sender = sender;
            this.chan = sender.chan;
            this.permit = permit;
        }

        /**
         * Sends into the reserved room; never waits, never fails: the room was taken before any receiver close,
         * so a receiver that closed and drains gets this message before the end of the stream (rule 6).
         *
         * @param value the message, not {@code null}
         * @throws IllegalStateException if the reservation was used or closed already
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            if (used) {
                throw new IllegalStateException("a reservation sends once");
            }
            used = true;
            try {
                permit.forget();
                chan.push(value);
            } finally {
                sender.end();
            }
        }

        /** Gives the room back if it was not used. */
        @Override
        public void close() {
            if (!used) {
                used = true;
                permit.close();
                chan.permitReturned();
                sender.end();
            }
        }
    }

    /** A bounded send: takes capacity (fast path without allocating), then pushes. */
    private static final class Send<T> implements Future<Void> {
        private final Sender<T> sender;
        private final Chan<T> chan;
        private T value;
        private Future<Semaphore.Permit> acquire;

        Send(Sender<T> sender, T value) {
            this.sender = sender;
            this.chan = sender.chan;
            this.value = value;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (value == null) {
                throw new IllegalStateException("send polled after it completed or was cancelled");
            }
            if (acquire == null) {
                if (chan.rxClosed) {
                    return fail();
                }
                int r = chan.capacity.tryAcquireRaw(1); // the fast path allocates nothing
                if (r > 0) { // counted before any receiver close: it pushes (rule 6)
                    T v = value;
                    value = null;
                    chan.push(v);
                    sender.end();
                    return Poll.ready(null);
                }
                if (r < 0) {
                    return fail();
                }
                acquire = chan.capacity.acquire(1, chan.fullWaiter());
            }
            Poll<Semaphore.Permit> r;
            try {
                r = acquire.poll(cx);
            } catch (ClosedException closed) {
                return fail();
            }
            return r.isReady() ? push(r.value()) : Poll.pending();
        }

        private Poll<Void> push(Semaphore.Permit p) {
            p.forget(); // granted before any receiver close: it pushes (rule 6)
            T v = value;
            value = null;
            chan.push(v);
            sender.end();
            return Poll.ready(null);
        }

        private Poll<Void> fail() {
            T v = value;
            value = null;
            sender.end();
            throw chan.closedFor(v);
        }

        @Override
        public void cancel() {
            if (value != null) { // not completed: give the ticket back once
                if (acquire != null) {
                    acquire.cancel(); // gives back what it had collected (Semaphore rule 4)
                    chan.permitReturned();
                }
                value = null;
                sender.end();
            }
        }
    }

    /**
     * A sender of an unbounded channel: {@link #send} never waits. Thread-safe.
     *
     * @param <T> the message type
     */
    public static final class UnboundedSender<T> extends SenderBase<T> {
        UnboundedSender(Chan<T> chan) {
            super(chan);
        }

        /**
         * @return a new sender of the same channel (close it too)
         * @throws IllegalStateException if every sender is closed already
         */
        public UnboundedSender<T> duplicate() {
            checkOpen();
            chan.addSender();
            return new UnboundedSender<>(chan);
        }

        /**
         * Sends now; never waits.
         *
         * @param value the message, not {@code null}
         * @throws ClosedException       if the receiver is gone, or the stream ended (it hands the value back)
         * @throws IllegalStateException if this sender is closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            checkOpen();
            if (!chan.countMessage()) { // rules 6, 7
                throw chan.closedFor(value);
            }
            chan.push(value);
        }
    }

    /**
     * The receiving half. Only one task may receive at a time.
     *
     * @param <T> the message type
     */
    public static final class Receiver<T> implements AutoCloseable {
        private final Chan<T> chan;
        private final Future<T> recv;

        Receiver(Chan<T> chan) {
            this.chan = chan;
            this.recv = new Future<>() {
                @Override
                public Poll<T> poll(Context cx) {
                    return pollRecv(cx);
                }
            };
        }

        /**
         * The next message, or {@code null} at the end of the stream (rule 4). The future may be polled again after
         * it completed: each completion is the next message. <b>Cancel safety:</b> a cancelled {@code recv} loses
         * no message: a message is taken only in the poll that returns it.
         *
         * @return a future of the next message
         */
        public Future<T> recv() {
            return recv;
        }

        /**
         * Polls for the next message (what {@link #recv()} does).
         *
         * @param cx the context of the polling task
         * @return the next message, {@code null} at the end of the stream, or pending
         */
        public Poll<T> pollRecv(Context cx) {
            if (!cx.consumeBudget()) {
                cx.waker().wake();
                return Poll.pending();
            }
            T v = chan.pop();
            if (v != null) {
                return Poll.ready(v);
            }
            Waker w = cx.waker();
            Waker current = chan.rxWaker;
            if (current == null || !current.willWake(w)) {
                chan.rxWaker = w;
            }
            v = chan.pop(); // rule 2: look again after publishing the waker
            if (v != null) {
                return Poll.ready(v);
            }
            if (chan.ended()) {
                v = chan.pop(); // rules 4, 6, 7: every counted push completed before the end was seen
                return Poll.ready(v);
            }
            cx.waitingOn(this);
            return Poll.pending();
        }

        @Override
        public String toString() {
            return "Mpsc.Receiver[an mpsc channel's receiving end]";
        }

        /**
         * @return the next message if one is buffered, else {@code null} (never waits; {@code null} also at the
         * end of the stream: see {@link #isClosedAndEmpty()})
         */
        public T tryRecv() {
            return chan.pop();
        }

        /**
         * @return whether the stream has ended: every sender is closed, or this receiver is, and nothing is
         * buffered or in flight
         */
        public boolean isClosedAndEmpty() {
            return chan.hasEnded();
        }

        /**
         * Rule 5: senders fail from now on; what is buffered, and what sends in flight push (rule 6), can still be
         * received, and then {@link #recv()} ends the stream ({@code null}) even while senders are open. Idempotent.
         */
        @Override
        public void close() {
            chan.closeRx();
        }
    }
}
