package io.cortado;

/**
 * Two values of different types: the result of {@link Futures#join(Future, Future)}.
 *
 * @param first  the first value
 * @param second the second value
 * @param <A>    first type
 * @param <B>    second type
 */
public record Tuple2<A, B>(A first, B second) {
}
