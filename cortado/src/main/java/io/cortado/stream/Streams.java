package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.sync.Mpsc;
import io.cortado.time.Interval;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** Where streams come from: collections, single values, generators, channels, timers, and other streams. */
public final class Streams {
    private Streams() {
    }

    /**
     * @param items the items (none {@code null})
     * @param <T>   the item type
     * @return a stream of {@code items}, in iteration order; ready at every poll
     */
    public static <T> Stream<T> iter(Iterable<? extends T> items) {
        Objects.requireNonNull(items, "items");
        return new Stream<>() {
            private Iterator<? extends T> it;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (it == null) {
                    it = items.iterator();
                }
                if (!it.hasNext()) {
                    return Poll.ready(null);
                }
                if (!cx.consumeBudget()) { // an always-ready stream still lets other tasks run
                    cx.waker().wake();
                    return Poll.pending();
                }
                return Poll.ready(Objects.requireNonNull(it.next(), "a stream item is null"));
            }
        };
    }

    /**
     * @param items the items
     * @param <T>   the item type
     * @return a stream of {@code items}
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array only goes into an immutable list
    public static <T> Stream<T> of(T... items) {
        return iter(List.of(items));
    }

    /**
     * @param <T> the item type
     * @return a stream that ends at once
     */
    public static <T> Stream<T> empty() {
        return cx -> Poll.ready(null);
    }

    /**
     * @param future its one item
     * @param <T>    the item type
     * @return a stream of the future's value, then the end
     */
    public static <T> Stream<T> once(Future<T> future) {
        Objects.requireNonNull(future, "future");
        return new Stream<>() {
            private boolean done;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (done) {
                    return Poll.ready(null);
                }
                Poll<T> p = future.poll(cx);
                if (p.isReady()) {
                    done = true;
                    Objects.requireNonNull(p.value(), "a stream item is null");
                }
                return p;
            }

            @Override
            public void cancel() {
                if (!done) {
                    done = true;
                    future.cancel();
                }
            }
        };
    }

    /**
     * @param item the item, repeated forever
     * @param <T>  the item type
     * @return an endless stream (use {@link Stream#take})
     */
    public static <T> Stream<T> repeat(T item) {
        Objects.requireNonNull(item, "item");
        return cx -> {
            if (!cx.consumeBudget()) {
                cx.waker().wake();
                return Poll.pending();
            }
            return Poll.ready(item);
        };
    }

    /**
     * An asynchronous generator: from a state, a future of the next item and state, or of {@code null} to end.
     *
     * @param seed the first state
     * @param step makes the future of the next (item, state) pair from a state
     * @param <S>  the state type
     * @param <T>  the item type
     * @return the generated stream
     */
    public static <S, T> Stream<T> unfold(S seed, Function<? super S, ? extends Future<Step<S, T>>> step) {
        Objects.requireNonNull(step, "step");
        return new Stream<>() {
            private S state = seed;
            private Future<Step<S, T>> pending;
            private boolean done;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (done) {
                    return Poll.ready(null);
                }
                if (pending == null) {
                    pending = Objects.requireNonNull(step.apply(state), "unfold step returned null");
                }
                Poll<Step<S, T>> p = pending.poll(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                pending = null;
                Step<S, T> s = p.value();
                if (s == null) {
                    done = true;
                    return Poll.ready(null);
                }
                state = s.state();
                return Poll.ready(Objects.requireNonNull(s.item(), "a stream item is null"));
            }

            @Override
            public void cancel() {
                done = true;
                if (pending != null) {
                    pending.cancel();
                    pending = null;
                }
            }
        };
    }

    /**
     * One step of {@link #unfold}.
     *
     * @param item  the item produced
     * @param state the state for the next step
     * @param <S>   the state type
     * @param <T>   the item type
     */
    public record Step<S, T>(T item, S state) {
    }

    /**
     * A channel's receiver as a stream: its messages, then the end once every sender is closed. <b>Cancel
     * safety:</b> cancelling the stream loses no message (it does not close the receiver).
     *
     * @param rx  the receiver
     * @param <T> the message type
     * @return the stream
     */
    public static <T> Stream<T> fromReceiver(Mpsc.Receiver<T> rx) {
        Objects.requireNonNull(rx, "rx");
        return rx::pollRecv;
    }

    /**
     * A broadcast receiver as a stream of every message, ending when every sender is closed; a lag surfaces as a
     * {@link io.cortado.sync.Broadcast.LaggedException} from {@code pollNext}, after which the stream goes on with
     * the oldest message kept. <b>Cancel safety:</b> cancelling it loses no message.
     *
     * @param rx  the receiver
     * @param <T> the message type
     * @return the stream
     */
    public static <T> Stream<T> fromBroadcast(io.cortado.sync.Broadcast.Receiver<T> rx) {
        Objects.requireNonNull(rx, "rx");
        return new Stream<>() {
            private Future<T> pending;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (pending == null) {
                    pending = rx.recv();
                }
                Poll<T> p;
                try {
                    p = pending.poll(cx);
                } catch (RuntimeException e) {
                    pending = null;
                    throw e;
                }
                if (p.isReady()) {
                    pending = null;
                }
                return p;
            }

            @Override
            public void cancel() {
                if (pending != null) {
                    pending.cancel();
                    pending = null;
                }
            }
        };
    }

    /**
     * A watch receiver as a stream of the values it sees change (intermediate values may be skipped), starting with
     * the current one; it ends when the sender is closed.
     *
     * @param rx  the receiver
     * @param <T> the value type
     * @return the stream
     */
    public static <T> Stream<T> fromWatch(io.cortado.sync.Watch.Receiver<T> rx) {
        Objects.requireNonNull(rx, "rx");
        return new Stream<>() {
            private boolean first = true;
            private Future<Void> changed;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (first) {
                    first = false;
                    return Poll.ready(rx.borrow());
                }
                if (changed == null) {
                    changed = rx.changed();
                }
                Poll<Void> p;
                try {
                    p = changed.poll(cx);
                } catch (io.cortado.sync.ClosedException closed) {
                    changed = null;
                    return Poll.ready(null);
                }
                if (!p.isReady()) {
                    return Poll.pending();
                }
                changed = null;
                return Poll.ready(rx.borrow());
            }

            @Override
            public void cancel() {
                if (changed != null) {
                    changed.cancel();
                    changed = null;
                }
            }
        };
    }

    /**
     * An interval's ticks as an endless stream.
     *
     * @param interval the interval
     * @return the stream of tick instants
     */
    public static Stream<Instant> ticks(Interval interval) {
        Objects.requireNonNull(interval, "interval");
        return interval::pollTick;
    }

    /**
     * Interleaves several streams: items in the order they become ready, each stream polled in turn (round robin,
     * so none starves); ends when all have ended.
     *
     * @param streams the streams
     * @param <T>     the item type
     * @return the merged stream
     */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array only goes into an immutable list
    public static <T> Stream<T> merge(Stream<? extends T>... streams) {
        List<Stream<? extends T>> list = List.of(streams);
        return new Stream<>() {
            private final boolean[] ended = new boolean[list.size()];
            private int live = list.size();
            private int start;

            @Override
            public Poll<T> pollNext(Context cx) {
                int n = list.size();
                for (int k = 0; k < n && live > 0; k++) {
                    int i = (start + k) % n;
                    if (ended[i]) {
                        continue;
                    }
                    Poll<? extends T> p = list.get(i).pollNext(cx);
                    if (!p.isReady()) {
                        continue;
                    }
                    if (p.value() == null) {
                        ended[i] = true;
                        live--;
                        continue;
                    }
                    start = (i + 1) % n; // the next poll starts after this one: fairness
                    return Poll.ready(p.value());
                }
                return live == 0 ? Poll.ready(null) : Poll.pending();
            }

            @Override
            public void cancel() {
                for (int i = 0; i < list.size(); i++) {
                    if (!ended[i]) {
                        ended[i] = true;
                        list.get(i).cancel();
                    }
                }
                live = 0;
            }
        };
    }
}
