/**
 * Asynchronous byte I/O: {@link io.cortado.io.AsyncRead} and {@link io.cortado.io.AsyncWrite} over
 * {@link java.nio.ByteBuffer}, buffering, copying, lines, and framing codecs; and the {@link java.io.IOException}
 * subtypes that I/O futures fail with (wrapped in {@link java.io.UncheckedIOException}).
 */
package io.cortado.io;
