package io.cortado.async;

/**
 * The body of an async lambda ({@link Async#fn}): code that may {@link Async#await} and returns the lambda's value.
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface AsyncBody<T> {
    /**
     * @return the value the future completes with
     * @throws Exception any failure, which fails the future
     */
    T run() throws Exception;
}
