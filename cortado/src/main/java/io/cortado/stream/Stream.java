package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * An asynchronous sequence of items, the async counterpart of an iterator (Rust's {@code Stream}): a poll gives
 * the next item, the end of the stream, or pending (the waker is called when it is worth polling again). Lazy like
 * a future: nothing happens until it is polled.
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>{@link #pollNext} returns {@code Ready(item)} (items are never {@code null}), {@code Ready(null)} for the end
 *       of the stream, or {@code Pending} after arranging a wake-up.</li>
 *   <li>After the end, polling again is allowed only for a {@linkplain #fuse() fused} stream (which keeps saying
 *       end); other streams may throw.</li>
 *   <li>{@link #cancel()} is the stream's drop: it cancels what the stream is waiting on; it is idempotent.</li>
 *   <li>A failure thrown by {@code pollNext} ends the stream for its consumer.</li>
 * </ol>
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface Stream<T> {

    /**
     * @param cx the polling task's context
     * @return the next item, {@code Ready(null)} at the end, or {@code Pending}
     */
    Poll<T> pollNext(Context cx);

    /** Cancels the stream (its drop): whatever it waits on is cancelled. The default does nothing. */
    default void cancel() {
    }

    /**
     * The next item as a future: completes with the item, or {@code null} at the end. <b>Cancel safety:</b> as the
     * stream's {@code pollNext} (an item is taken only by the poll that returns it, for every stream here).
     *
     * @return the future
     */
    default Future<T> next() {
        return this::pollNext;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Combinators (each returns a new lazy stream that owns this one: cancelling it cancels this one)

    /**
     * @param fn  applied to each item (must not return {@code null})
     * @param <U> the new item type
     * @return the stream of {@code fn(item)}
     */
    default <U> Stream<U> map(Function<? super T, ? extends U> fn) {
        Objects.requireNonNull(fn, "fn");
        Stream<T> self = this;
        return new Stream<>() {
            @Override
            public Poll<U> pollNext(Context cx) {
                Poll<T> p = self.pollNext(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                return p.value() == null ? Poll.ready(null) : Poll.ready(Objects.requireNonNull(fn.apply(p.value()),
                        "map returned null"));
            }

            @Override
            public void cancel() {
                self.cancel();
            }
        };
    }

    /**
     * @param keep the items to keep
     * @return the stream of the items {@code keep} accepts
     */
    default Stream<T> filter(Predicate<? super T> keep) {
        Objects.requireNonNull(keep, "keep");
        return filterMap(t -> keep.test(t) ? t : null);
    }

    /**
     * @param fn  maps an item to the new item, or to {@code null} to drop it
     * @param <U> the new item type
     * @return the stream of the non-null results
     */
    default <U> Stream<U> filterMap(Function<? super T, ? extends U> fn) {
        Objects.requireNonNull(fn, "fn");
        Stream<T> self = this;
        return new Stream<>() {
            @Override
            public Poll<U> pollNext(Context cx) {
                for (; ; ) {
                    Poll<T> p = self.pollNext(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    if (p.value() == null) {
                        return Poll.ready(null);
                    }
                    U u = fn.apply(p.value());
                    if (u != null) {
                        return Poll.ready(u);
                    }
                    if (!cx.consumeBudget()) { // a long run of dropped items must not starve the other tasks
                        cx.waker().wake();
                        return Poll.pending();
                    }
                }
            }

            @Override
            public void cancel() {
                self.cancel();
            }
        };
    }

    /**
     * An asynchronous map: each item becomes a future, awaited before the next item is taken (one at a time, in
     * order; see {@link #buffered} for several at once).
     *
     * @param fn  makes the future for an item
     * @param <U> the new item type
     * @return the stream of the futures' values
     */
    default <U> Stream<U> then(Function<? super T, ? extends Future<? extends U>> fn) {
        return map(fn).buffered(1);
    }

    /**
     * @param n how many items to take, at least 0
     * @return the first {@code n} items (then the end; this stream is cancelled once {@code n} were taken)
     */
    default Stream<T> take(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n : " + n + " (expected: >= 0)");
        }
        Stream<T> self = this;
        return new Stream<>() {
            private long left = n;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (left == 0) {
                    return Poll.ready(null);
                }
                Poll<T> p = self.pollNext(cx);
                if (p.isReady() && p.value() != null && --left == 0) {
                    self.cancel();
                }
                return p;
            }

            @Override
            public void cancel() {
                self.cancel();
            }
        };
    }

    /**
     * @param keep taken while it accepts the items
     * @return the leading items {@code keep} accepts (the first rejected item ends the stream)
     */
    default Stream<T> takeWhile(Predicate<? super T> keep) {
        Objects.requireNonNull(keep, "keep");
        Stream<T> self = this;
        return new Stream<>() {
            private boolean done;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (done) {
                    return Poll.ready(null);
                }
                Poll<T> p = self.pollNext(cx);
                if (p.isReady() && p.value() != null && !keep.test(p.value())) {
                    done = true;
                    self.cancel();
                    return Poll.ready(null);
                }
                return p;
            }

            @Override
            public void cancel() {
                self.cancel();
            }
        };
    }

    /**
     * @param n how many leading items to drop, at least 0
     * @return the items after the first {@code n}
     */
    default Stream<T> skip(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("n : " + n + " (expected: >= 0)");
        }
        long[] left = {n};
        return filter(t -> {
            if (left[0] > 0) {
                left[0]--;
                return false;
            }
            return true;
        });
    }

    /**
     * @param next the stream to continue with
     * @return this stream's items, then {@code next}'s
     */
    default Stream<T> chain(Stream<? extends T> next) {
        Objects.requireNonNull(next, "next");
        Stream<T> self = this;
        return new Stream<>() {
            private boolean first = true;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (first) {
                    Poll<T> p = self.pollNext(cx);
                    if (!p.isReady() || p.value() != null) {
                        return p;
                    }
                    first = false;
                }
                @SuppressWarnings("unchecked")
                Poll<T> q = (Poll<T>) next.pollNext(cx);
                return q;
            }

            @Override
            public void cancel() {
                self.cancel();
                next.cancel();
            }
        };
    }

    /**
     * Pairs items up: the i-th item of each; ends when either ends (the other is cancelled then).
     *
     * @param other the other stream
     * @param fn    combines a pair
     * @param <U>   the other item type
     * @param <R>   the combined type
     * @return the stream of combined pairs
     */
    default <U, R> Stream<R> zip(Stream<U> other, BiFunction<? super T, ? super U, ? extends R> fn) {
        Objects.requireNonNull(other, "other");
        Objects.requireNonNull(fn, "fn");
        Stream<T> self = this;
        return new Stream<>() {
            private T left;
            private boolean ended;

            @Override
            public Poll<R> pollNext(Context cx) {
                if (ended) {
                    return Poll.ready(null);
                }
                if (left == null) {
                    Poll<T> a = self.pollNext(cx);
                    if (!a.isReady()) {
                        return Poll.pending();
                    }
                    if (a.value() == null) {
                        return end();
                    }
                    left = a.value();
                }
                Poll<U> b = other.pollNext(cx);
                if (!b.isReady()) {
                    return Poll.pending();
                }
                if (b.value() == null) {
                    return end();
                }
                T l = left;
                left = null;
                return Poll.ready(Objects.requireNonNull(fn.apply(l, b.value()), "zip returned null"));
            }

            private Poll<R> end() {
                ended = true;
                cancel();
                return Poll.ready(null);
            }

            @Override
            public void cancel() {
                self.cancel();
                other.cancel();
            }
        };
    }

    /**
     * Runs up to {@code n} of the futures this stream yields at once, and yields their values in the stream's order.
     *
     * @param n   how many at once, at least 1
     * @param <U> the futures' value type
     * @return the stream of values
     * @throws ClassCastException if an item is not a {@link Future}
     */
    @SuppressWarnings("unchecked")
    default <U> Stream<U> buffered(int n) {
        return new Buffered<>((Stream<Future<? extends U>>) (Stream<?>) this, n, true);
    }

    /**
     * Runs up to {@code n} of the futures this stream yields at once, and yields their values as they complete.
     *
     * @param n   how many at once, at least 1
     * @param <U> the futures' value type
     * @return the stream of values
     */
    @SuppressWarnings("unchecked")
    default <U> Stream<U> bufferUnordered(int n) {
        return new Buffered<>((Stream<Future<? extends U>>) (Stream<?>) this, n, false);
    }

    /**
     * Groups items into lists of {@code n} (the last may be shorter).
     *
     * @param n the chunk size, at least 1
     * @return the stream of chunks
     */
    default Stream<List<T>> chunks(int n) {
        return new TimedStreams.Chunks<>(this, n, null);
    }

    /**
     * Groups items into lists of at most {@code n}, yielding a shorter list when {@code timeout} passes after its
     * first item (so a slow stream still delivers in bounded time). Uses the current runtime's clock.
     *
     * @param n       the largest chunk, at least 1
     * @param timeout how long a started chunk may wait for more, {@code > 0}
     * @return the stream of chunks
     */
    default Stream<List<T>> chunksTimeout(int n, java.time.Duration timeout) {
        io.cortado.internal.Checks.checkPositive(timeout, "timeout");
        return new TimedStreams.Chunks<>(this, n, timeout);
    }

    /**
     * Lets at most one item through per {@code period}: an item that comes sooner waits (items are delayed, not
     * dropped). Uses the current runtime's clock.
     *
     * @param period the least time between two items, {@code > 0}
     * @return the throttled stream
     */
    default Stream<T> throttle(java.time.Duration period) {
        io.cortado.internal.Checks.checkPositive(period, "period");
        return new TimedStreams.Throttle<>(this, period);
    }

    /**
     * Fails with {@link io.cortado.time.TimeoutException} (and cancels this stream) if the next item does not come
     * within {@code limit}; the clock restarts with each item. Uses the current runtime's clock.
     *
     * @param limit the longest wait for one item, {@code > 0}
     * @return the stream with a time limit per item
     */
    default Stream<T> timeout(java.time.Duration limit) {
        io.cortado.internal.Checks.checkPositive(limit, "limit");
        return new TimedStreams.PerItemTimeout<>(this, limit);
    }

    /** @return this stream, made safe to poll after its end (it keeps returning the end) */
    default Stream<T> fuse() {
        Stream<T> self = this;
        return new Stream<>() {
            private boolean done;

            @Override
            public Poll<T> pollNext(Context cx) {
                if (done) {
                    return Poll.ready(null);
                }
                Poll<T> p = self.pollNext(cx);
                if (p.isReady() && p.value() == null) {
                    done = true;
                }
                return p;
            }

            @Override
            public void cancel() {
                self.cancel();
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consumers (futures that drive the stream to its end)

    /**
     * @param initial the start value
     * @param fn      folds an item into the accumulator
     * @param <A>     the accumulator type
     * @return a future of the fold over every item. <b>Cancel safety:</b> cancelling it cancels the stream and
     * loses the partial fold.
     */
    default <A> Future<A> fold(A initial, BiFunction<? super A, ? super T, ? extends A> fn) {
        Objects.requireNonNull(fn, "fn");
        Stream<T> self = this;
        return new Future<>() {
            private A acc = initial;

            @Override
            public Poll<A> poll(Context cx) {
                for (; ; ) {
                    Poll<T> p = self.pollNext(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    if (p.value() == null) {
                        return Poll.ready(acc);
                    }
                    acc = fn.apply(acc, p.value());
                }
            }

            @Override
            public void cancel() {
                self.cancel();
            }
        };
    }

    /** @return a future of every item, in order. <b>Cancel safety:</b> as {@link #fold}. */
    default Future<List<T>> collect() {
        return fold(new ArrayList<T>(), (list, t) -> {
            list.add(t);
            return list;
        });
    }

    /**
     * @param action run for each item, in order
     * @return a future that completes at the end of the stream. <b>Cancel safety:</b> cancelling it cancels the
     * stream; items already passed to {@code action} stay processed.
     */
    default Future<Void> forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action");
        return fold(null, (v, t) -> {
            action.accept(t);
            return null;
        });
    }

    /**
     * Runs {@code fn} for each item, with up to {@code limit} of the futures it returns running at once.
     *
     * @param limit how many at once, at least 1
     * @param fn    makes the future for an item
     * @return a future that completes when the stream has ended and every future completed; the first failure
     * cancels the rest and fails it
     */
    default Future<Void> forEachConcurrent(int limit, Function<? super T, ? extends Future<?>> fn) {
        Objects.requireNonNull(fn, "fn");
        return map(fn).bufferUnordered(limit).forEach(x -> { });
    }
}
