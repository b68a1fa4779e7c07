/**
 * Asynchronous files, as Tokio's {@code tokio::fs}: {@link io.cortado.fs.Fs} for whole-file and directory
 * operations (each one blocking call on the runtime's blocking pool, started at the future's first poll),
 * {@link io.cortado.fs.Fs#readDir} for a directory listed in batches as a {@link io.cortado.stream.Stream}, and
 * {@link io.cortado.fs.AsyncFile} for an open file that implements {@link io.cortado.io.AsyncRead} and
 * {@link io.cortado.io.AsyncWrite} with one blocking operation in flight and write-behind buffering.
 *
 * <p>Failures are {@link java.io.UncheckedIOException}s wrapping the JDK's {@link java.io.IOException}
 * ({@link java.nio.file.NoSuchFileException} and its siblings). A cancelled future whose blocking call had already
 * started does not stop that call; each method's "Cancel safety" paragraph says what that means for it.
 */
package io.cortado.fs;
