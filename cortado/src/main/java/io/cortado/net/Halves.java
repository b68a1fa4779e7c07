package io.cortado.net;

/**
 * A stream split into a read half and a write half, for a reader task and a writer task.
 *
 * @param reader the read half
 * @param writer the write half
 */
public record Halves(ReadHalf reader, WriteHalf writer) {
}
