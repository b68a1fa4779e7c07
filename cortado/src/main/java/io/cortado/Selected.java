package io.cortado;

/**
 * The winner of a select over many futures: which branch ({@code index} into the list) and its value.
 *
 * @param index the winning branch's position in the list
 * @param value its value
 * @param <T>   the value type
 */
public record Selected<T>(int index, T value) {
}
