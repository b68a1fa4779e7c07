package io.cortado;

import java.util.Objects;

/**
 * The result of polling a {@link Future}: either {@link Ready} with the future's value, or {@link Pending}.
 *
 * <p>Make one with {@link #ready(Object)} or {@link #pending()}, read it with {@link #isReady()} and
 * {@link #value()}, or take it apart with a pattern {@code switch}:
 * <pre>{@code
 * switch (future.poll(cx)) {
 *     case Poll.Ready<Integer>(var v) -> use(v);
 *     case Poll.Pending<Integer> p    -> { return Poll.pending(); }
 * }
 * }</pre>
 *
 * <h2>Why this representation</h2>
 * {@code Poll} is on every hot path, so three shapes were measured side by side ({@code PollShapeBenchmark} in
 * {@code cortado-bench}; figures and command in {@code BENCHMARKS.md}): this sealed interface, one final class
 * with an identity-compared {@code PENDING}, and no wrapper at all (the value itself, or a sentinel object).
 * On a three-stage {@code map} chain the sealed form took 5.3 ns per ready poll and 10.3 ns per mixed poll; the
 * final class 10.6 / 9.9 ns (it loses on ready paths: escape analysis removes fewer of its allocations); the
 * untyped sentinel 3.6 / 8.0 ns. The sentinel saves about 0.6 ns per stage, which a task poll (tens of ns of
 * scheduling) does not notice, and it would give up type safety and pattern matching for every user, so
 * {@code Poll} is the sealed interface: {@code Pending} is one shared instance (waiting never allocates),
 * {@code ready(null)} (the value of every {@code Future<Void>}) is shared too, and other {@code Ready} values are
 * 16-byte objects that escape analysis often removes when the poll is inlined.
 *
 * @param <T> the type of the value
 */
public sealed interface Poll<T> permits Poll.Ready, Poll.Pending {

    /**
     * A poll that produced the future's value.
     *
     * @param value the value, which may be {@code null}
     * @param <T>   the type of the value
     */
    record Ready<T>(T value) implements Poll<T> {
        @Override
        public boolean isReady() {
            return true;
        }
    }

    /**
     * A poll that could not complete yet; the future arranged for its context's waker to be woken.
     * There is one instance: {@link #pending()}.
     *
     * @param <T> the type the future will produce
     */
    final class Pending<T> implements Poll<T> {
        static final Pending<?> INSTANCE = new Pending<>();

        private Pending() {
        }

        @Override
        public boolean isReady() {
            return false;
        }

        /** @throws IllegalStateException always: a pending poll has no value */
        @Override
        public T value() {
            throw new IllegalStateException("Poll.value() called on Pending: check isReady() first");
        }

        @Override
        public String toString() {
            return "Pending";
        }
    }

    /** The shared {@code Ready(null)}. */
    Ready<?> READY_NULL = new Ready<>(null);

    /**
     * Returns a ready poll holding {@code value}. {@code ready(null)} returns a shared instance.
     *
     * @param value the value, may be {@code null}
     * @param <T>   the type of the value
     * @return a ready poll
     */
    @SuppressWarnings("unchecked")
    static <T> Poll<T> ready(T value) {
        return value == null ? (Poll<T>) READY_NULL : new Ready<>(value);
    }

    /**
     * Returns the pending poll (a shared instance: no allocation).
     *
     * @param <T> the type the future will produce
     * @return the pending poll
     */
    @SuppressWarnings("unchecked")
    static <T> Poll<T> pending() {
        return (Poll<T>) Pending.INSTANCE;
    }

    /** @return {@code true} for {@link Ready}, {@code false} for {@link Pending} */
    boolean isReady();

    /**
     * Returns the value of a ready poll.
     *
     * @return the value, which may be {@code null}
     * @throws IllegalStateException if this poll is {@link Pending}
     */
    T value();

    /**
     * Maps the value of a ready poll; a pending poll stays pending.
     *
     * @param fn  the function to apply to a ready value
     * @param <U> the new value type
     * @return the mapped poll
     */
    default <U> Poll<U> map(java.util.function.Function<? super T, ? extends U> fn) {
        Objects.requireNonNull(fn, "fn");
        return isReady() ? ready(fn.apply(value())) : pending();
    }
}
