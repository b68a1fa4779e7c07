/**
 * Child processes, as Tokio's {@code tokio::process}: {@link io.cortado.process.Command} builds and starts them,
 * {@link io.cortado.process.Child} is a running one with its pipes as {@link io.cortado.io.AsyncWrite}
 * ({@link io.cortado.process.ChildStdin}) and {@link io.cortado.io.AsyncRead}
 * ({@link io.cortado.process.ChildOutput}), a future of its {@link io.cortado.process.ExitStatus}, {@code kill()} and
 * {@code output()}.
 *
 * <p>Java's {@link java.lang.Process} offers only blocking streams, so each pipe is served by at most one blocking
 * call at a time on the runtime's blocking pool, through one bounded buffer; waiting for the exit uses
 * {@link java.lang.Process#onExit()} and holds no thread. When the runtime shuts down, a child whose pipe still has
 * a blocking call running is killed, so that no thread outlives the runtime (see {@link io.cortado.process.Child}).
 */
package io.cortado.process;
