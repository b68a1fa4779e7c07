package io.cortado.process;

import io.cortado.Context;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.io.IoErrors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.Objects;

/**
 * A child's standard output or standard error, read without blocking the polling thread ({@link Child#stdout()},
 * {@link Child#stderr()}).
 *
 * <h2>How the pipe is read</h2>
 * The JDK gives a child's pipes only as blocking {@link InputStream}s, so the reading is done on the runtime's
 * blocking pool, by at most one blocking read at a time:
 * <ol>
 *   <li>A {@link #pollRead} that finds no buffered byte hands one blocking {@code read} of up to
 *       {@value #CHUNK} bytes into the pipe's one chunk buffer to the pool, and returns {@code PENDING}; the read
 *       wakes the task when it returns. Nothing is read ahead of demand, so the memory is one chunk and a child
 *       whose output nobody reads is held back by the pipe (back-pressure), never buffered without bound.</li>
 *   <li>The bytes of a finished read stay in the chunk until they are taken, even if the future that asked for them
 *       was cancelled: no byte is lost. End of stream and a read failure are kept too, and reported in order (the
 *       failure again on every later read).</li>
 *   <li>The blocking read ends when bytes arrive or the pipe closes: at the latest when the child exits (unless
 *       a process it started still holds the pipe). At the end of stream, or on a failure, the read closes the
 *       pipe itself.</li>
 *   <li>The pipe's state (IDLE, QUEUED: handed to the pool, RUNNING) is guarded by this object's monitor, which is
 *       never held across a blocking call. {@link #close()} closes the pipe at once unless a read is RUNNING, in
 *       which case that read closes it when it returns; a QUEUED read that starts after a close does nothing.</li>
 *   <li>When the runtime shuts down, the pipe is closed the same way, and if a read is running the child is
 *       killed (see {@link Child}), because the runtime's shutdown waits for its blocking work and only the end of
 *       the child ends the read.</li>
 * </ol>
 * Driven by one task at a time (the monitor makes misuse safe, but only the last poller is woken).
 */
public final class ChildOutput implements AsyncRead {
    /** The most bytes one blocking read takes from the pipe. */
    static final int CHUNK = 64 * 1024;

    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;

    private final InputStream in;
    private final Handle runtime;
    private final String what;

    // guarded by this
    private byte[] chunk;
    private int pos;
    private int len;
    private int state = IDLE;
    private JoinHandle<Integer> reading;
    private boolean eof;
    private boolean closed;
    private boolean runtimeGone;
    private RuntimeException failure;

    ChildOutput(InputStream in, Handle runtime, String what) {
        this.in = in;
        this.runtime = runtime;
        this.what = what;
    }

    /**
     * Reads what the child wrote (rules 1, 2).
     *
     * @return the count, {@link #EOF} once the child closed the stream (exited), or {@link #PENDING}
     * @throws UncheckedIOException if the read failed, with {@link ClosedChannelException} after {@link #close()}, or
     *                              if the runtime shut down
     */
    @Override
    public synchronized int pollRead(Context cx, ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        if (runtimeGone) {
            throw new UncheckedIOException(new IOException(what + ": the runtime shut down"));
        }
        if (closed) {
            throw new UncheckedIOException(new ClosedChannelException());
        }
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pos < len) {
            return copyTo(dst);
        }
        if (failure != null) {
            throw failure;
        }
        if (eof) {
            return EOF;
        }
        if (reading == null) {
            if (chunk == null) {
                chunk = new byte[CHUNK];
            }
            byte[] b = chunk;
            state = QUEUED;
            reading = runtime.spawnBlocking(() -> readChunk(b));
        }
        Poll<Integer> p;
        try {
            p = reading.poll(cx);
        } catch (JoinException e) {
            reading = null;
            failure = io.cortado.internal.Throwables.ofBlockingIo(e, what);
            throw failure;
        }
        if (!p.isReady()) {
            return PENDING;
        }
        reading = null;
        int n = p.value();
        if (n < 0) {
            eof = true;
            return EOF;
        }
        pos = 0;
        len = n;
        return copyTo(dst);
    }

    /** One blocking read, on the pool (rules 3, 4). */
    private int readChunk(byte[] b) {
        synchronized (this) {
            if (state != QUEUED) {
                return -1; // closed before it started: the closer closed the pipe
            }
            state = RUNNING;
        }
        int n;
        IOException error = null;
        try {
            n = in.read(b, 0, b.length);
        } catch (IOException e) {
            error = e;
            n = -1;
        }
        synchronized (this) {
            state = IDLE;
            if (n < 0 || closed) {
                closeQuietly();
            }
        }
        if (error != null) {
            throw IoErrors.unchecked(error, "read " + what);
        }
        return n;
    }

    /**
     * Closes this end of the pipe (rule 4): a child that writes more gets a broken pipe. Bytes not yet read are
     * dropped; later reads fail with {@link ClosedChannelException}. Idempotent, never blocks.
     */
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        pos = len = 0;
        release();
    }

    /**
     * Rule 5, called when the runtime shuts down.
     *
     * @return whether a blocking read is running, which only the end of the child can end
     */
    synchronized boolean runtimeShutDown() {
        runtimeGone = true;
        boolean running = state == RUNNING;
        if (!closed) {
            closed = true;
            release();
        }
        return running;
    }

    /** Closes the pipe now, or leaves it to the running read (rule 4). Lock held. */
    private void release() {
        if (state != RUNNING) {
            state = IDLE; // a QUEUED read that starts later sees it is not wanted
            closeQuietly();
        }
        if (reading != null) {
            reading.abort(); // a queued read never runs; a running one ends with the pipe
            reading = null;
        }
    }

    private void closeQuietly() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a pipe we are done with: nothing to report
        }
    }

    private int copyTo(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), len - pos);
        dst.put(chunk, pos, n);
        pos += n;
        return n;
    }

    @Override
    public String toString() {
        return "ChildOutput[" + what + "]";
    }
}
