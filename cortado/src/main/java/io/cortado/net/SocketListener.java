package io.cortado.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.internal.io.IoDriver;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sim.SimListener;
import io.cortado.internal.sim.SimStream;
import io.cortado.time.Sleep;
import io.cortado.trace.Tracer;
import io.cortado.trace.Tracing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The accept path shared by {@link TcpListener} and {@link UnixListener}. A listener belongs to the runtime that
 * made it: when that runtime closes, the listener is closed and a pending accept fails with an
 * {@link java.io.UncheckedIOException} saying the runtime shut down.
 *
 * <h2>Rules of the retrying accept ({@link #pollAcceptRetrying})</h2>
 * <ol>
 *   <li><b>What pauses.</b> Only a failure for lack of resources ({@link #isResourceExhaustion}: too many open files
 *       in the process or the system, no buffer space, no memory) pauses accepting; any other failure, and any
 *       failure of a closed listener, is thrown as by {@link #pollAccept}. Connections keep queueing in the
 *       kernel's backlog meanwhile.</li>
 *   <li><b>When it resumes.</b> At the first of: a descriptor of this runtime's reactor is released (a socket
 *       closed: {@code IoDriver} rule 6), or a back-off timer on the runtime's clock. The back-off starts at
 *       {@link #MIN_BACKOFF} and doubles up to {@link #MAX_BACKOFF} while accepts keep failing; a successful accept
 *       resets it. So a freed socket is used at once, and descriptors freed outside the reactor (files, other
 *       runtimes, other processes for ENFILE) within {@link #MAX_BACKOFF}; while nothing is freed the accepts
 *       tried fall to about {@code 1 s / MAX_BACKOFF} a second instead of a busy loop.</li>
 *   <li><b>Log.</b> A pausing failure is logged at WARN on target {@code cortado.net}, at most one line a second
 *       per listener; each line counts the failures since the previous one ({@code failures}) and in all
 *       ({@code total}).</li>
 *   <li>The pause state belongs to the listener and is driven by one task at a time (the accept loop).</li>
 * </ol>
 */
abstract sealed class SocketListener<S extends SocketStream> implements AutoCloseable
        permits TcpListener, UnixListener {
    /** The first pause after a failed accept (rule 2). */
    public static final Duration MIN_BACKOFF = Duration.ofMillis(1);
    /** The longest pause after failed accepts when no descriptor of the reactor is released (rule 2). */
    public static final Duration MAX_BACKOFF = Duration.ofMillis(100);
    private static final Tracer LOG = Tracing.tracer("cortado.net");
    private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

    final Handle handle;
    final ServerSocketChannel ch;
    final Registration reg;
    /** The simulated listener on a deterministic runtime ({@code ch} and {@code reg} are then null), else null. */
    final SimListener sim;

    // The retrying accept's pause (rules 2-4): owned by the task driving it.
    private Sleep backoff;
    private long backoffNanos;
    private long pausedAtEpoch;
    private IoDriver.ReleaseWaiter releaseWaiter;
    private long failuresUnlogged;
    private long lastLogNanos;
    private volatile long resourceFailures;
    /** Pauses ended by a released descriptor rather than the timer (for FdExhaustionTest). */
    private volatile long resumedByRelease;
    /** What a task dump shows for a paused accept. */
    private final Object pauseDescription = new Object() {
        @Override
        public String toString() {
            return "accept paused for lack of resources on " + SocketListener.this;
        }
    };

    SocketListener(Handle handle, ServerSocketChannel ch, Registration reg) {
        this.handle = handle;
        this.ch = ch;
        this.reg = reg;
        this.sim = null;
    }

    SocketListener(Handle handle, SimListener sim) {
        this.handle = handle;
        this.ch = null;
        this.reg = null;
        this.sim = sim;
    }

    /** Wraps an accepted simulated connection (only TCP listeners are simulated). */
    S wrapSimulated(SimStream s) {
        throw new UnsupportedOperationException("not simulated");
    }

    /** Wraps an accepted channel, registered under {@code what}. */
    abstract S wrap(SocketChannel c, Registration r);

    /** @return the description of an accepted connection, for error messages */
    abstract String describe(SocketChannel c);

    /**
     * Waits for the next connection.
     *
     * <p><b>Cancel safety:</b> cancel-safe: a connection is taken from the backlog only in the poll that completes
     * the future, so a cancelled accept (a loser of a {@code select}) loses no connection.
     *
     * @return a future of the accepted stream, registered with this listener's runtime
     */
    public final Future<S> accept() {
        return cx -> {
            S s = pollAccept(cx);
            return s == null ? Poll.pending() : Poll.ready(s);
        };
    }

    /**
     * Accepts a connection if one is waiting.
     *
     * @return the stream, or {@code null} after arranging a wake-up
     * @throws UncheckedIOException if accepting failed (this accept only; e.g. a
     *                              {@link io.cortado.io.TooManyOpenFilesException}) or the listener is closed
     */
    public final S pollAccept(Context cx) {
        if (sim != null) {
            SimStream s = sim.pollAccept(cx);
            return s == null ? null : wrapSimulated(s);
        }
        for (; ; ) {
            int r = reg.pollReadyBudgeted(cx, Registration.READ);
            if (r < 0) {
                return null;
            }
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (IOException e) {
                if (reg.isClosed()) {
                    throw reg.closedError();
                }
                throw Net.error(e, "accept on " + reg.what());
            }
            if (c != null) {
                return wrap(c, Net.register(handle, c, SelectionKey.OP_READ, SelectionKey.OP_WRITE, describe(c)));
            }
            reg.clearReady(r, Registration.READ);
        }
    }

    /**
     * Waits for the next connection like {@link #accept()}, but rides out a lack of resources instead of failing:
     * when an accept fails because the process (or the system) is out of file descriptors, buffer space or memory,
     * accepting pauses until a socket of this runtime closes or a short back-off passes (at most
     * {@link #MAX_BACKOFF}), and the failure is logged at most once a second with a count (target
     * {@code cortado.net}). What an accept loop should use: {@code accept()} lets the caller decide, and an accept
     * loop that simply retries a failed accept at once spins while descriptors are short.
     *
     * <p><b>Cancel safety:</b> cancel-safe, as {@link #accept()}: a connection is taken from the backlog only in the
     * poll that completes the future; a cancelled wait leaves the pause in place for the next accept.
     *
     * @return a future of the accepted stream; it fails only as {@link #accept()} does for other errors (or a
     * closed listener)
     */
    public final Future<S> acceptRetrying() {
        return cx -> {
            S s = pollAcceptRetrying(cx);
            return s == null ? Poll.pending() : Poll.ready(s);
        };
    }

    /**
     * The poll form of {@link #acceptRetrying()}.
     *
     * @return the stream, or {@code null} after arranging a wake-up (a connection, the end of a pause)
     * @throws UncheckedIOException if accepting failed for another reason than a lack of resources, or the listener
     *                              is closed
     */
    public final S pollAcceptRetrying(Context cx) {
        for (; ; ) {
            if (backoff != null) { // rule 2: paused
                IoDriver driver = reg == null ? null : reg.driver();
                boolean released = driver != null && driver.awaitRelease(releaseWaiter, cx.waker(), pausedAtEpoch);
                if (!released && !backoff.poll(cx).isReady()) {
                    if (isClosed()) {
                        throw reg.closedError();
                    }
                    cx.waitingOn(pauseDescription);
                    return null;
                }
                if (released) {
                    resumedByRelease++;
                }
                backoff.cancel();
                backoff = null;
            }
            S s;
            try {
                s = pollAccept(cx);
            } catch (UncheckedIOException e) {
                if (isClosed() || !isResourceExhaustion(e)) {
                    throw e;
                }
                pause(e);
                continue;
            }
            if (s != null) {
                backoffNanos = 0; // rule 2: a success resets the back-off
            }
            return s;
        }
    }

    /** Rules 2, 3: an accept failed for lack of resources. */
    private void pause(UncheckedIOException e) {
        resourceFailures = resourceFailures + 1; // one writer: the driving task
        IoDriver driver = reg == null ? null : reg.driver();
        if (releaseWaiter == null) {
            releaseWaiter = new IoDriver.ReleaseWaiter();
        }
        pausedAtEpoch = driver == null ? 0 : driver.releaseEpoch(); // read before the next selection can release
        long min = MIN_BACKOFF.toNanos();
        backoffNanos = Math.min(MAX_BACKOFF.toNanos(), backoffNanos == 0 ? min : backoffNanos * 2);
        backoff = Sleep.sleep(handle.clock(), Duration.ofNanos(backoffNanos));
        failuresUnlogged++;
        long now = System.nanoTime();
        if (lastLogNanos == 0 || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            lastLogNanos = now == 0 ? 1 : now;
            LOG.warn("accept failed for lack of resources; pausing accepts until a socket closes or "
                            + backoffNanos / 1_000_000 + " ms pass", "listener", this, "error", e.getCause(),
                    "failures", failuresUnlogged, "total", resourceFailures);
            failuresUnlogged = 0;
        }
    }

    /**
     * @return how many accepts of {@link #acceptRetrying()} failed for lack of resources (each followed by a
     * pause) since the listener was bound; a snapshot from any thread
     */
    public final long resourceFailures() {
        return resourceFailures;
    }

    /** @return how many pauses a released descriptor ended before their timer (rule 2; for tests) */
    final long resumedByRelease() {
        return resumedByRelease;
    }

    /**
     * Whether an accept failure is one to ride out (rule 1): the process or the system is out of file descriptors
     * ({@link io.cortado.io.TooManyOpenFilesException}: EMFILE, ENFILE), of buffer space (ENOBUFS) or of memory
     * (ENOMEM). These pass when connections close; other failures do not.
     *
     * @param e the failure of an accept
     * @return whether it is a lack of resources
     */
    public static boolean isResourceExhaustion(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof io.cortado.io.TooManyOpenFilesException) {
                return true;
            }
            String m = t.getMessage();
            if (m != null && (m.contains("Too many open files") || m.contains("No buffer space available")
                    || m.contains("Cannot allocate memory"))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** @return whether the listener is closed */
    public final boolean isClosed() {
        return sim != null ? sim.isClosed() : reg.isClosed();
    }

    /**
     * Closes the listener: when this returns, the port refuses new connections (connections already in the backlog
     * are reset) and pending accepts fail with a {@link java.nio.channels.ClosedChannelException}. Idempotent.
     */
    @Override
    public void close() {
        if (sim != null) {
            sim.close();
            return;
        }
        reg.closeAndRelease();
    }

    @Override
    public String toString() {
        String what = sim != null ? "simulated TCP listener " + sim.localAddress() : reg.what();
        return what + (isClosed() ? " (closed)" : "");
    }
}
