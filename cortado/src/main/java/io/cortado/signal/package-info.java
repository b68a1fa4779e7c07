/**
 * POSIX signals as futures and streams, as Tokio's {@code tokio::signal}: {@link io.cortado.signal.Signal#ctrlC()}
 * for the next Ctrl-C, and {@link io.cortado.signal.Signal#of} for a listener of any signal the JVM lets Java
 * handle ({@link io.cortado.signal.SignalKind}), counting every delivery. Built on {@code sun.misc.Signal} from the
 * JDK module {@code jdk.unsupported}.
 *
 * <p><b>Once Cortado listens for a signal, that signal's default action (for example the JVM's exit on Ctrl-C or
 * {@code SIGTERM}) is replaced for the rest of the life of the process</b>, as in Tokio. Signals the JVM reserves
 * ({@code QUIT}, {@code USR2} on HotSpot, and others) are refused with an {@link java.lang.IllegalArgumentException}.
 */
package io.cortado.signal;
