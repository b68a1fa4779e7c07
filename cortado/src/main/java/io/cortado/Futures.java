package io.cortado;

import io.cortado.internal.Throwables;
import io.cortado.internal.future.JoinAll;
import io.cortado.internal.future.JoinArray;
import io.cortado.internal.future.Select2;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Making and combining futures. Every future returned here is lazy: it does nothing until polled.
 *
 * <p>The seed's point about {@code join}: awaiting futures one after the other is sequential; joining them polls
 * them concurrently on one task, so their waits overlap.
 */
public final class Futures {
    private Futures() {
    }

    /**
     * @param value the value
     * @param <T>   its type
     * @return a future that is ready with {@code value} at its first poll
     */
    public static <T> Future<T> ready(T value) {
        Poll<T> p = Poll.ready(value);
        return cx -> p;
    }

    /**
     * @param error the failure; a checked exception is wrapped in a {@link java.util.concurrent.CompletionException}
     * @param <T>   the value type it would have had
     * @return a future whose first poll throws {@code error}
     */
    public static <T> Future<T> failed(Throwable error) {
        Objects.requireNonNull(error, "error");
        return cx -> {
            throw Throwables.unchecked(error);
        };
    }

    /**
     * @param <T> the value type
     * @return a future that never completes (and holds no waker); a task dump shows a task waiting on it
     */
    public static <T> Future<T> pending() {
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                cx.waitingOn(this);
                return Poll.pending();
            }

            @Override
            public String toString() {
                return "Futures.pending() (never completes)";
            }
        };
    }

    /**
     * Returns a future whose first poll calls {@code supplier} and is ready with its result: deferred work that runs
     * on the polling task, not at construction.
     *
     * @param supplier computes the value
     * @param <T>      its type
     * @return the lazy future
     */
    public static <T> Future<T> lazy(Supplier<? extends T> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return cx -> Poll.ready(supplier.get());
    }

    /**
     * Returns a future from a poll function: each poll of the future calls {@code fn}, which follows the
     * {@link Future#poll} contract (wake the context's waker before returning {@code Pending}).
     *
     * @param fn  the poll function
     * @param <T> the value type
     * @return the future
     */
    public static <T> Future<T> pollFn(Function<? super Context, ? extends Poll<T>> fn) {
        Objects.requireNonNull(fn, "fn");
        return fn::apply;
    }

    /**
     * Polls two futures concurrently on the calling task; ready when both are. If one fails, the other is cancelled
     * and the failure is rethrown.
     *
     * <p><b>Cancel safety:</b> cancelling the join cancels every unfinished child; values already produced are lost.
     *
     * @param a   first future
     * @param b   second future
     * @param <A> first type
     * @param <B> second type
     * @return a future of both values
     */
    @SuppressWarnings("unchecked")
    public static <A, B> Future<Tuple2<A, B>> join(Future<A> a, Future<B> b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return new JoinArray<>(new Future<?>[]{a, b}, r -> new Tuple2<>((A) r[0], (B) r[1]));
    }

    /**
     * Polls three futures concurrently on the calling task; see {@link #join(Future, Future)}.
     *
     * @param a   first future
     * @param b   second future
     * @param c   third future
     * @param <A> first type
     * @param <B> second type
     * @param <C> third type
     * @return a future of the three values
     */
    @SuppressWarnings("unchecked")
    public static <A, B, C> Future<Tuple3<A, B, C>> join(Future<A> a, Future<B> b, Future<C> c) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        return new JoinArray<>(new Future<?>[]{a, b, c}, r -> new Tuple3<>((A) r[0], (B) r[1], (C) r[2]));
    }

    /**
     * Polls any number of futures concurrently on the calling task; ready with their values in list order when all
     * are. Only children that were woken are polled again, so large joins stay cheap. If one fails, the others are
     * cancelled and the failure is rethrown.
     *
     * <p><b>Cancel safety:</b> cancelling the join cancels every unfinished child; values already produced are lost.
     *
     * @param futures the futures (copied)
     * @param <T>     their value type
     * @return a future of an unmodifiable list of the values
     */
    public static <T> Future<List<T>> joinAll(List<? extends Future<? extends T>> futures) {
        Objects.requireNonNull(futures, "futures");
        for (int i = 0; i < futures.size(); i++) {
            Objects.requireNonNull(futures.get(i), "futures[" + i + "]");
        }
        return new JoinAll<>(futures);
    }

    /**
     * The first of two futures to finish wins and the other is {@linkplain Future#cancel() cancelled}. Each poll
     * starts with a randomly chosen branch, so neither can starve the other; see
     * {@link #selectBiased(Future, Future)} for a fixed order. If a branch fails, the other is cancelled and the
     * failure is rethrown.
     *
     * <p><b>Cancel safety:</b> cancelling the select cancels both branches; the select is as cancel safe as its
     * branches.
     *
     * @param a   the left branch
     * @param b   the right branch
     * @param <A> left type
     * @param <B> right type
     * @return a future of {@link Either.Left} (a won) or {@link Either.Right} (b won)
     */
    public static <A, B> Future<Either<A, B>> select(Future<A> a, Future<B> b) {
        return new Select2<>(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b"), false);
    }

    /**
     * Like {@link #select(Future, Future)}, but {@code a} is always polled first: when both are ready, {@code a}
     * wins.
     *
     * @param a   the left branch, polled first
     * @param b   the right branch
     * @param <A> left type
     * @param <B> right type
     * @return a future of the winner
     */
    public static <A, B> Future<Either<A, B>> selectBiased(Future<A> a, Future<B> b) {
        return new Select2<>(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b"), true);
    }

    /**
     * Selects over any number of futures (consuming form): the first to be ready wins, every other one is cancelled.
     * Each poll starts at a random branch, so none is favoured. A branch that throws fails the select (the others are
     * cancelled). A terminated {@link FusedFuture} branch is skipped (disabled).
     *
     * <p><b>Cancel safety:</b> cancelling the select cancels every branch.
     *
     * @param branches the futures, at least one
     * @param <T>      the common value type
     * @return a future of the winner: its index and value
     */
    public static <T> Future<Selected<T>> select(List<? extends Future<? extends T>> branches) {
        return new io.cortado.internal.future.SelectN<>(branches, io.cortado.internal.Randoms.current(),
                true, false);
    }

    /**
     * Like {@link #select(List)} with the branch order drawn from {@code rng} (a seeded generator makes the order
     * reproducible), or fixed in list order when {@code rng} is {@code null} (biased).
     *
     * @param branches the futures, at least one
     * @param rng      the source of the order, or {@code null} for list order
     * @param <T>      the common value type
     * @return a future of the winner
     */
    public static <T> Future<Selected<T>> select(List<? extends Future<? extends T>> branches,
                                                 java.util.random.RandomGenerator rng) {
        return new io.cortado.internal.future.SelectN<>(branches, rng, true, false);
    }

    /**
     * The loop form of select (Rust's {@code select!} on {@code &mut} futures): the first branch to be ready wins,
     * and the other branches are <i>not</i> cancelled, so the caller can select on them again in the next
     * iteration (e.g. keep a timer running while reading a channel). Terminated {@link FusedFuture} branches are
     * skipped, which is how a finished branch is disabled. Random order unless {@code rng} is {@code null}.
     *
     * <p><b>Cancel safety:</b> cancelling this select cancels nothing: the branches belong to the caller.
     *
     * @param branches the futures, at least one; the caller keeps them
     * @param rng      the source of the order, or {@code null} for list order (biased)
     * @param <T>      the common value type
     * @return a future of the winner
     */
    public static <T> Future<Selected<T>> selectLoop(List<? extends Future<? extends T>> branches,
                                                     java.util.random.RandomGenerator rng) {
        return new io.cortado.internal.future.SelectN<>(branches, rng, false, false);
    }

    /**
     * The first future to <i>succeed</i> wins and the others are cancelled; failures do not win. Fails only when
     * every future failed, with the last failure (the earlier ones suppressed in it).
     *
     * <p><b>Cancel safety:</b> cancelling the race cancels every branch still running.
     *
     * @param futures the futures, at least one
     * @param <T>     the common value type
     * @return a future of the first success
     */
    public static <T> Future<T> race(List<? extends Future<? extends T>> futures) {
        Future<Selected<T>> s = new io.cortado.internal.future.SelectN<>(futures,
                io.cortado.internal.Randoms.current(), true, true);
        return s.map(Selected::value);
    }

    /**
     * Like {@link #join(Future, Future)}, named for what it does on failure: the first failure cancels the other
     * future and fails the join at once.
     *
     * @param a   the first future
     * @param b   the second future
     * @param <A> first type
     * @param <B> second type
     * @return a future of both values
     */
    public static <A, B> Future<Tuple2<A, B>> tryJoin(Future<A> a, Future<B> b) {
        return join(a, b);
    }

    /**
     * Like {@link #joinAll}, named for what it does on failure: the first failure cancels every other future and
     * fails the join at once (it does not wait for the rest).
     *
     * @param futures the futures
     * @param <T>     the common value type
     * @return a future of every value, in list order
     */
    public static <T> Future<List<T>> tryJoinAll(List<? extends Future<? extends T>> futures) {
        return joinAll(futures);
    }

    /**
     * A future of a {@link java.util.concurrent.CompletionStage}'s outcome: its value, or its failure rethrown
     * (unwrapped from {@link java.util.concurrent.CompletionException}).
     *
     * <p><b>Cancel safety:</b> cancelling the future cancels the stage where that is possible
     * ({@link java.util.concurrent.CompletableFuture#cancel}); a stage that cannot be cancelled runs on, unobserved.
     *
     * @param stage the stage
     * @param <T>   the value type
     * @return the future
     */
    public static <T> Future<T> fromCompletionStage(java.util.concurrent.CompletionStage<T> stage) {
        return new io.cortado.internal.future.FromStage<>(Objects.requireNonNull(stage, "stage"));
    }

    /**
     * Spawns {@code future} on {@code handle}'s runtime and returns a {@link java.util.concurrent.CompletableFuture}
     * of its outcome. Cancelling the {@code CompletableFuture} aborts the task. If the runtime shuts down before the
     * task ends (or is shut down already), the {@code CompletableFuture} completes exceptionally with a
     * {@link java.util.concurrent.CancellationException}: it never hangs.
     *
     * @param future the future
     * @param handle the runtime to run it on
     * @param <T>    the value type
     * @return the completable future
     */
    public static <T> java.util.concurrent.CompletableFuture<T> toCompletableFuture(Future<T> future, Handle handle) {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(handle, "handle");
        java.util.concurrent.CompletableFuture<T> cf = new java.util.concurrent.CompletableFuture<>();
        JoinHandle<T> task = handle.spawn(future);
        cf.whenComplete((v, e) -> {
            if (cf.isCancelled()) {
                task.abort();
            }
        });
        handle.spawn(new Future<Void>() {
            @Override
            public Poll<Void> poll(Context cx) {
                try {
                    Poll<T> p = task.poll(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    cf.complete(p.value());
                } catch (JoinException e) {
                    cf.completeExceptionally(e.isCancelled()
                            ? new java.util.concurrent.CancellationException("the task was cancelled") : e.getCause());
                }
                return Poll.ready(null);
            }

            @Override
            public void cancel() { // the runtime shut down (or was shut down already): never leave cf hanging
                cf.completeExceptionally(new java.util.concurrent.CancellationException(
                        "the runtime shut down before the task ended"));
            }
        });
        return cf;
    }
}
