package io.cortado;

import io.cortado.internal.future.Fuse;
import io.cortado.internal.future.MapFuture;
import io.cortado.internal.future.ThenFuture;

import java.util.Objects;
import java.util.function.Function;

/**
 * A lazy, poll-based computation that eventually produces a value of type {@code T}: a state machine.
 *
 * <h2>The contract</h2>
 * <ol>
 *   <li><b>Lazy.</b> Creating a future does no work; nothing happens until something polls it (a task, a
 *       runtime's {@code blockOn}, or a combinator that is itself being polled).</li>
 *   <li><b>Poll.</b> {@link #poll(Context)} never blocks. It returns {@link Poll#ready(Object) Ready(value)} when
 *       done, or {@link Poll#pending() Pending} after arranging for {@code cx.waker().wake()} to be called when
 *       polling again can make progress. Only the waker of the most recent poll must be woken.</li>
 *   <li><b>One poller at a time.</b> A future is polled by one thread at a time (its owner); the runtime
 *       guarantees this for tasks, with a happens-before edge between consecutive polls.</li>
 *   <li><b>Failure.</b> A poll that throws fails the future: the exception is its result. Futures fail with
 *       unchecked exceptions; a checked cause is wrapped (for example in
 *       {@link java.util.concurrent.CompletionException} or {@link java.io.UncheckedIOException}).</li>
 *   <li><b>Done is done.</b> After a poll returned {@code Ready} or threw, the future must not be polled again
 *       (wrap it with {@link #fuse()} if a caller needs to).</li>
 *   <li><b>Cancel is drop.</b> Whoever abandons a future before it completed calls {@link #cancel()}; afterwards the
 *       future is never polled again. {@code cancel()} releases what the future holds (wakers, timer entries,
 *       registrations, permits, inner futures), is idempotent, never blocks, and is a no-op on a completed
 *       future.</li>
 * </ol>
 *
 * <h2>Cancel safety</h2>
 * Every async method in Cortado documents what is lost when its future is cancelled while pending, because that is
 * what happens to the losers of a {@link Futures#select select} and to the inner future of a timeout.
 *
 * @param <T> the type of the value
 */
@FunctionalInterface
public interface Future<T> {

    /**
     * Attempts to make progress.
     *
     * @param cx the context of the polling task: its waker and budget
     * @return {@code Ready(value)} when done, otherwise {@code Pending} (after arranging a wake-up)
     */
    Poll<T> poll(Context cx);

    /**
     * Abandons this future before it completed (Java's stand-in for Rust's drop): release wakers and resources,
     * cancel inner futures. Idempotent; a no-op after completion. The default does nothing, which is right for
     * futures that hold nothing.
     */
    default void cancel() {
    }

    /**
     * Returns a future that completes with {@code fn} applied to this future's value.
     * Cancelling it cancels this future.
     *
     * @param fn  the function, run on the polling thread when this future is ready
     * @param <U> the new value type
     * @return the mapped future (lazy)
     */
    default <U> Future<U> map(Function<? super T, ? extends U> fn) {
        return new MapFuture<>(this, Objects.requireNonNull(fn, "fn"));
    }

    /**
     * Chains a second asynchronous step: when this future is ready, {@code fn} turns its value into the next
     * future, which is then polled to completion (a flat map; the seed's {@code .then()}).
     * Cancelling it cancels whichever of the two is running.
     *
     * @param fn  makes the next future from this one's value
     * @param <U> the value type of the next future
     * @return the chained future (lazy)
     */
    default <U> Future<U> then(Function<? super T, ? extends Future<U>> fn) {
        return new ThenFuture<>(this, Objects.requireNonNull(fn, "fn"));
    }

    /**
     * Wraps this future so that it may be polled after completion (it then stays {@code Pending}) and can say
     * whether it has {@linkplain FusedFuture#isTerminated() terminated}: what a {@code select} loop needs.
     *
     * @return the fused future
     */
    default FusedFuture<T> fuse() {
        return this instanceof FusedFuture<T> f ? f : new Fuse<>(this);
    }

    /**
     * Limits this future to {@code limit} on the current runtime's clock: see {@link io.cortado.time.Timeout}.
     *
     * @param limit the time limit
     * @return a future that fails with {@link io.cortado.time.TimeoutException} (and cancels this one) if the limit
     * passes first
     * @throws IllegalStateException if no runtime runs this thread
     */
    default Future<T> timeout(java.time.Duration limit) {
        return io.cortado.time.Timeout.timeout(limit, this);
    }

    /**
     * Enters {@code span} around every poll of this future, whichever thread polls it, and closes the span when the
     * future completes, fails or is cancelled: events produced inside carry the span. See
     * {@link io.cortado.trace.Tracing#instrument}.
     *
     * @param span the span ({@link io.cortado.trace.Span#NONE} leaves this future as it is)
     * @return the instrumented future
     */
    default Future<T> instrument(io.cortado.trace.Span span) {
        return io.cortado.trace.Tracing.instrument(this, span);
    }

    /**
     * Recovers from a failure: if this future throws a {@link RuntimeException}, the result is {@code fallback}'s
     * value instead. Errors ({@link Error}) pass through.
     *
     * @param fallback makes the value from the failure
     * @return the recovering future; cancelling it cancels this one
     */
    default Future<T> orElse(Function<? super RuntimeException, ? extends T> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        Future<T> self = this;
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                try {
                    return self.poll(cx);
                } catch (RuntimeException e) {
                    return Poll.ready(fallback.apply(e));
                }
            }

            @Override
            public void cancel() {
                self.cancel();
            }
        };
    }
}
