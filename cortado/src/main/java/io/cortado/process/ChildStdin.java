package io.cortado.process;

import io.cortado.Context;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.io.BrokenPipeException;
import io.cortado.io.IoErrors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * A child's standard input, written without blocking the polling thread ({@link Child#stdin()}).
 *
 * <h2>How the pipe is written</h2>
 * The JDK gives the pipe only as a blocking {@link OutputStream}, so writing is done on the runtime's blocking pool,
 * one blocking write at a time, as {@link io.cortado.fs.AsyncFile} does:
 * <ol>
 *   <li>{@link #pollWrite} waits for the write in flight, copies up to {@value ChildOutput#CHUNK} bytes into the
 *       pipe's one chunk buffer, hands a blocking {@code write} + {@code flush} of them to the pool and returns the
 *       count. The memory is one chunk; a child that does not read holds the writer back.</li>
 *   <li>A failed write is kept and thrown by every later operation: <b>await {@link #flush()} or
 *       {@link #shutdown()} to learn whether the bytes reached the child.</b> A child that exited or closed its
 *       input gives a {@link BrokenPipeException}.</li>
 *   <li>{@link #shutdown()} flushes, then closes the pipe, so the child reads the end of its input (what
 *       {@code cat} needs in order to finish). A close while a write is running is done by that write when it
 *       returns; a queued write that starts after the close does nothing. The state is guarded by this object's
 *       monitor, never held across a blocking call.</li>
 *   <li>When the runtime shuts down the pipe is closed the same way, and if a write is running the child is killed
 *       (see {@link Child}).</li>
 * </ol>
 */
public final class ChildStdin implements AsyncWrite {
    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;

    private final OutputStream out;
    private final Handle runtime;
    private final Process process;
    private final String what;

    // guarded by this
    private byte[] chunk;
    private int state = IDLE;
    private JoinHandle<Void> writing;
    private boolean closed;
    private boolean runtimeGone;
    private RuntimeException failure;

    ChildStdin(OutputStream out, Handle runtime, Process process, String what) {
        this.out = out;
        this.runtime = runtime;
        this.process = process;
        this.what = what;
    }

    /**
     * Hands up to {@value ChildOutput#CHUNK} bytes to a blocking write (rule 1).
     *
     * @throws UncheckedIOException if an earlier write failed (rule 2), with {@link ClosedChannelException} after
     *                              {@link #shutdown()}
     */
    @Override
    public synchronized int pollWrite(Context cx, ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        if (runtimeGone) {
            throw new UncheckedIOException(new IOException(what + ": the runtime shut down"));
        }
        if (closed) {
            throw new UncheckedIOException(new ClosedChannelException());
        }
        if (!src.hasRemaining()) {
            return 0;
        }
        if (!finishWrite(cx)) {
            return AsyncRead.PENDING;
        }
        if (failure != null) {
            throw failure;
        }
        if (chunk == null) {
            chunk = new byte[ChildOutput.CHUNK];
        }
        int n = Math.min(src.remaining(), chunk.length);
        src.get(chunk, 0, n);
        byte[] b = chunk;
        state = QUEUED;
        writing = runtime.spawnBlocking(() -> writeChunk(b, n));
        return n;
    }

    /** Waits for the write in flight and throws its failure (rule 2). */
    @Override
    public synchronized int pollFlush(Context cx) {
        if (!finishWrite(cx)) {
            return AsyncRead.PENDING;
        }
        if (failure != null) {
            throw failure;
        }
        return 0;
    }

    /** Flushes, then closes the pipe (rule 3); the child reads end of file. */
    @Override
    public synchronized int pollShutdown(Context cx) {
        if (!finishWrite(cx)) {
            return AsyncRead.PENDING;
        }
        if (!closed) {
            closed = true;
            release();
        }
        if (failure != null) {
            throw failure;
        }
        return 0;
    }

    /** Closes the pipe without waiting for a write in flight (used when nobody will write: Command.status()). */
    synchronized void closeNow() {
        if (!closed) {
            closed = true;
            release();
        }
    }

    /**
     * Rule 4, called when the runtime shuts down.
     *
     * @return whether a blocking write is running, which only the end of the child (or its reading) can end
     */
    synchronized boolean runtimeShutDown() {
        runtimeGone = true;
        boolean running = state == RUNNING;
        closeNow();
        return running;
    }

    /** @return {@code false} while a write is in flight; takes in its outcome when it ended (lock held) */
    private boolean finishWrite(Context cx) {
        if (writing == null) {
            return true;
        }
        Poll<Void> p;
        try {
            p = writing.poll(cx);
        } catch (JoinException e) {
            writing = null;
            if (failure == null) {
                failure = io.cortado.internal.Throwables.ofBlockingIo(e, what);
            }
            return true;
        }
        if (!p.isReady()) {
            return false;
        }
        writing = null;
        return true;
    }

    /** One blocking write, on the pool (rules 1, 3). */
    private Void writeChunk(byte[] b, int n) {
        synchronized (this) {
            if (state != QUEUED) {
                return null; // closed before it started
            }
            state = RUNNING;
        }
        IOException error = null;
        try {
            out.write(b, 0, n);
            out.flush();
        } catch (IOException e) {
            error = e;
        }
        synchronized (this) {
            state = IDLE;
            if (closed) {
                closeQuietly();
            }
        }
        if (error != null) {
            if (!process.isAlive() && !(error instanceof BrokenPipeException)) {
                BrokenPipeException gone = new BrokenPipeException("write to " + what + ": the child exited");
                gone.initCause(error);
                throw new UncheckedIOException(gone);
            }
            throw IoErrors.unchecked(error, "write to " + what);
        }
        return null;
    }

    /** Lock held: closes now unless a write is running, which then closes when it returns (rule 3). */
    private void release() {
        if (state != RUNNING) {
            state = IDLE;
            closeQuietly();
        }
        if (writing != null) {
            writing.abort();
            writing = null;
        }
    }

    private void closeQuietly() {
        try {
            out.close();
        } catch (IOException ignored) {
            // the child is gone or the pipe is broken: nothing left to deliver
        }
    }

    @Override
    public String toString() {
        return "ChildStdin[" + what + "]";
    }
}
