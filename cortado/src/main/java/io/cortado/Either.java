package io.cortado;

import java.util.Objects;
import java.util.function.Function;

/**
 * One of two values: {@link Left} or {@link Right}. The result of a two-way {@link Futures#select select}.
 *
 * <pre>{@code
 * switch (either) {
 *     case Either.Left<String, Integer>(var s)  -> ...;
 *     case Either.Right<String, Integer>(var n) -> ...;
 * }
 * }</pre>
 *
 * @param <L> the left type
 * @param <R> the right type
 */
public sealed interface Either<L, R> permits Either.Left, Either.Right {

    /** @param value the left value (may be {@code null}) @param <L> left type @param <R> right type */
    record Left<L, R>(L value) implements Either<L, R> {
    }

    /** @param value the right value (may be {@code null}) @param <L> left type @param <R> right type */
    record Right<L, R>(R value) implements Either<L, R> {
    }

    /**
     * @param value the value
     * @param <L>   left type
     * @param <R>   right type
     * @return a left
     */
    static <L, R> Either<L, R> left(L value) {
        return new Left<>(value);
    }

    /**
     * @param value the value
     * @param <L>   left type
     * @param <R>   right type
     * @return a right
     */
    static <L, R> Either<L, R> right(R value) {
        return new Right<>(value);
    }

    /** @return whether this is a {@link Left} */
    default boolean isLeft() {
        return this instanceof Left;
    }

    /** @return whether this is a {@link Right} */
    default boolean isRight() {
        return this instanceof Right;
    }

    /**
     * Folds either side into one value.
     *
     * @param onLeft  applied to a left value
     * @param onRight applied to a right value
     * @param <U>     the result type
     * @return the result of the applied function
     */
    default <U> U fold(Function<? super L, ? extends U> onLeft, Function<? super R, ? extends U> onRight) {
        Objects.requireNonNull(onLeft, "onLeft");
        Objects.requireNonNull(onRight, "onRight");
        return switch (this) {
            case Left<L, R> l -> onLeft.apply(l.value());
            case Right<L, R> r -> onRight.apply(r.value());
        };
    }
}
