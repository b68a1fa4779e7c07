package io.cortado;

/**
 * Three values of different types: the result of {@link Futures#join(Future, Future, Future)}.
 *
 * @param first  the first value
 * @param second the second value
 * @param third  the third value
 * @param <A>    first type
 * @param <B>    second type
 * @param <C>    third type
 */
public record Tuple3<A, B, C>(A first, B second, C third) {
}
