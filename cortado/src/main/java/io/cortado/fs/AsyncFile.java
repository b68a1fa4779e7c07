package io.cortado.fs;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.io.IoErrors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * An open file read and written without blocking the polling thread, as Tokio's {@code tokio::fs::File}: each
 * read, write, seek or sync is one call on the runtime's blocking pool, over a {@link FileChannel}.
 *
 * <pre>{@code
 * Future<Void> save = AsyncFile.create(path).then(f ->
 *         f.writeAll(ByteBuffer.wrap(bytes))
 *          .then(v -> f.flush())      // awaiting the flush is what reports a failed write
 *          .then(v -> f.close()));
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>One blocking operation in flight.</b> The file owns one buffer. An operation hands the buffer and the
 *       channel to one blocking call and gets the buffer back when it ends; the next operation (of any kind) first
 *       waits for that call and takes in its result. Nothing else is queued, so the memory is bounded by one
 *       buffer (at most {@value #MAX_BUF} bytes).</li>
 *   <li><b>Reads are buffered.</b> A read asks the pool for up to {@code max(dst.remaining(), 8 KiB)} bytes and
 *       returns what fits in {@code dst}; later reads take the rest of the buffer without a blocking call. Before a
 *       write, a seek or a length change, unread bytes are discarded and the channel's position is moved back by
 *       their count, so the file position the caller sees is always "what it read or wrote so far".</li>
 *   <li><b>Writes are write-behind.</b> {@link #pollWrite} copies up to {@value #MAX_BUF} bytes into the buffer,
 *       starts the blocking write and returns the count at once; the bytes reach the operating system when that
 *       call ends. A failed write is remembered and thrown by the next operation: <b>await {@link #flush()}
 *       (or {@link #sync()} / {@link #close()}) to learn whether the writes succeeded.</b> A write error that is
 *       never awaited is lost, as in Tokio.</li>
 *   <li><b>Cancellation never loses bytes that were read.</b> Cancelling a future (a {@code read}, {@code seek},
 *       {@code size} ...) does not stop its blocking call; the next operation waits for it and keeps its effect:
 *       bytes read stay in the buffer for the next read, a seek moves the position, a write stays written.</li>
 *   <li><b>One task at a time.</b> Like a Tokio {@code File} (which needs {@code &mut self}), an {@code AsyncFile}
 *       is driven by one task at a time: two concurrent operations from different tasks are not supported (only
 *       the last poller's waker would be woken). Moving it between tasks, one after the other, is fine.</li>
 *   <li>Every blocking call runs on the runtime that was polling {@link #open} (it is bound to the file).</li>
 * </ol>
 *
 * <h2>Failures</h2>
 * Operations fail with an {@link UncheckedIOException} whose cause is the JDK's {@link IOException}
 * ({@link ClosedChannelException} after {@link #close()}). Arguments are checked when a method is called.
 *
 * <p>Guarded by {@code AsyncFileTest}.
 */
public final class AsyncFile implements AsyncRead, AsyncWrite {
    /** The most bytes one blocking read or write moves (Tokio's default {@code max_buf_size}). */
    static final int MAX_BUF = 2 * 1024 * 1024;
    /** The least a read asks for, so that byte-at-a-time reads do not each cost a blocking call. */
    static final int MIN_READ = 8 * 1024;

    private final FileChannel channel;
    private final Handle runtime;
    private final Path path;
    private final boolean append;

    // Owned by the task driving the file (rule 5). `buf` is null while a blocking call holds it (rule 1).
    /** In read mode: position..limit are bytes read from the channel and not yet returned (rule 2). */
    private ByteBuffer buf = ByteBuffer.allocate(0);
    private JoinHandle<Done> busy;
    private IOException writeError;
    private boolean closed;

    /** What a blocking call hands back: the buffer, a number (bytes, position, size) and its failure, if any. */
    private record Done(Kind kind, ByteBuffer buf, long value, IOException error) {
    }

    private enum Kind { READ, WRITE, SEEK, OTHER }

    /** A blocking call that uses the channel and may fail. */
    @FunctionalInterface
    private interface ChannelWork {
        long run(FileChannel ch) throws IOException;
    }

    private AsyncFile(FileChannel channel, Handle runtime, Path path, boolean append) {
        this.channel = channel;
        this.runtime = runtime;
        this.path = path;
        this.append = append;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Opening

    /**
     * Opens a file, as {@link FileChannel#open(Path, OpenOption...)}: no options means {@code READ}. The file is
     * opened on the blocking pool of the runtime polling the future, and its later operations run there too.
     *
     * <p><b>Cancel safety:</b> a cancelled open leaves nothing open: if the file was opened after all, it is
     * closed. It may still have been created (with {@code CREATE}) or truncated.
     *
     * @param path    the file
     * @param options how to open it
     * @return a future of the open file; fails with {@link java.nio.file.NoSuchFileException} and so on
     * @throws IllegalArgumentException at once for {@code APPEND} with {@code READ} or {@code TRUNCATE_EXISTING}
     */
    public static Future<AsyncFile> open(Path path, OpenOption... options) {
        Objects.requireNonNull(path, "path");
        Set<OpenOption> opts = new HashSet<>();
        for (int i = 0; i < Objects.requireNonNull(options, "options").length; i++) {
            opts.add(Objects.requireNonNull(options[i], "options[" + i + "]"));
        }
        if (opts.contains(StandardOpenOption.APPEND)
                && (opts.contains(StandardOpenOption.READ) || opts.contains(StandardOpenOption.TRUNCATE_EXISTING))) {
            throw new IllegalArgumentException("options : " + opts
                    + " (expected: APPEND without READ and without TRUNCATE_EXISTING)");
        }
        return new BlockingCall<>(null, "open " + path,
                () -> new AsyncFile(FileChannel.open(path, opts), Handle.current(), path,
                        opts.contains(StandardOpenOption.APPEND)),
                AsyncFile::closeNow);
    }

    /**
     * Opens a file for writing, creating it or truncating it to length 0 ({@code CREATE, TRUNCATE_EXISTING,
     * WRITE}), as Tokio's {@code File::create}.
     *
     * <p><b>Cancel safety:</b> as {@link #open}.
     *
     * @param path the file
     * @return a future of the open file
     */
    public static Future<AsyncFile> create(Path path) {
        return open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    }

    /** @return the path the file was opened with */
    public Path path() {
        return path;
    }

    // ---------------------------------------------------------------------------------------------------------
    // AsyncRead / AsyncWrite

    /**
     * Reads from the file's position (rule 2). At the end of the file returns {@link #EOF}; a later read tries again
     * (the file may have grown).
     *
     * @throws UncheckedIOException if the read, or an earlier write (rule 3), failed
     */
    @Override
    public int pollRead(Context cx, ByteBuffer dst) {
        Objects.requireNonNull(dst, "dst");
        checkOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        for (; ; ) {
            if (busy == null) {
                throwWriteError();
                if (buf.hasRemaining()) {
                    return copyTo(dst);
                }
                int want = Math.min(Math.max(dst.remaining(), MIN_READ), MAX_BUF);
                ByteBuffer b = takeBuffer(want);
                start(Kind.READ, b, ch -> {
                    long n = ch.read(b);
                    b.flip();
                    return n;
                });
            }
            Done d = pollBusy(cx);
            if (d == null) {
                return PENDING;
            }
            if (d.kind() == Kind.READ) { // ours, or one a cancelled read left behind (rule 4)
                if (d.error() != null) {
                    throw IoErrors.unchecked(d.error(), "read " + path);
                }
                if (d.value() < 0) {
                    return EOF;
                }
                return copyTo(dst);
            }
        }
    }

    /**
     * Copies up to {@value #MAX_BUF} bytes of {@code src} into the file's buffer and starts writing them at the
     * file's position (rule 3); returns the count at once.
     *
     * @throws UncheckedIOException if an earlier write failed
     */
    @Override
    public int pollWrite(Context cx, ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        checkOpen();
        if (!src.hasRemaining()) {
            return 0;
        }
        if (!finishBusy(cx)) {
            return PENDING;
        }
        throwWriteError();
        int unread = buf.remaining(); // rule 2: move back over what was read ahead
        int n = Math.min(src.remaining(), MAX_BUF);
        ByteBuffer b = takeBuffer(n);
        int end = src.position() + n;
        b.put(src.slice(src.position(), n)).flip();
        src.position(end);
        start(Kind.WRITE, b, ch -> {
            if (unread > 0) {
                ch.position(ch.position() - unread);
            }
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return 0;
        });
        return n;
    }

    /**
     * Waits until the write in flight, if any, has reached the operating system, and throws its failure.
     * (The bytes are not forced to the disk: see {@link #sync()}.)
     */
    @Override
    public int pollFlush(Context cx) {
        checkOpen();
        if (!finishBusy(cx)) {
            return PENDING;
        }
        throwWriteError();
        return 0;
    }

    /** A file has no write half to shut down: this is {@link #pollFlush}. The file stays open; see {@link #close}. */
    @Override
    public int pollShutdown(Context cx) {
        return pollFlush(cx);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Positioning, size, durability, close

    /**
     * Moves the file position to {@code position} (beyond the end is allowed: a later write leaves a gap of zeros),
     * discarding bytes read ahead.
     *
     * <p><b>Cancel safety:</b> a seek whose blocking call started still happens; the position is then either the old
     * or the new one, and the next operation sees which (rule 4).
     *
     * @param position the new position, at least 0
     * @return a future of the new position
     * @throws IllegalArgumentException if {@code position < 0}
     */
    public Future<Long> seek(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position : " + position + " (expected: >= 0)");
        }
        return new Op(Kind.SEEK, "seek " + path, ch -> {
            ch.position(position);
            return position;
        });
    }

    /**
     * The file position: the bytes read or written so far, counted from where the last seek put it (rule 2).
     * Waits for the operation in flight first; reading the position itself does not block.
     *
     * <p><b>Cancel safety:</b> nothing is lost.
     *
     * @return a future of the position
     */
    public Future<Long> position() {
        return cx -> {
            checkOpen();
            if (!finishBusy(cx)) {
                return Poll.pending();
            }
            throwWriteError();
            try {
                return Poll.ready(channel.position() - buf.remaining());
            } catch (IOException e) {
                throw IoErrors.unchecked(e, "position of " + path);
            }
        };
    }

    /**
     * The file's current size, after the writes so far.
     *
     * <p><b>Cancel safety:</b> nothing is lost.
     *
     * @return a future of the size in bytes
     */
    public Future<Long> size() {
        return new Op(Kind.OTHER, "size of " + path, FileChannel::size);
    }

    /**
     * Truncates or extends the file to {@code length} bytes (extending fills with zeros, as Tokio's
     * {@code set_len}); a position beyond the new end is moved to the end. Needs the file open for writing.
     *
     * <p><b>Cancel safety:</b> once started the change happens.
     *
     * @param length the new length, at least 0
     * @return a future that completes when the length is set
     * @throws IllegalArgumentException if {@code length < 0}
     */
    public Future<Void> setLength(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length : " + length + " (expected: >= 0)");
        }
        return new Op(Kind.OTHER, "set length of " + path, ch -> {
            long size = ch.size();
            if (length < size) {
                ch.truncate(length);
            } else if (length > size && !append) {
                ch.write(ByteBuffer.allocate(1), length - 1); // one zero byte at the end: the gap reads as zeros
            } else if (length > size) {
                // in APPEND mode every write goes to the end (a positional one too, on Linux): write the zeros
                ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(length - size, 64 * 1024));
                for (long left = length - size; left > 0; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), left));
                    left -= ch.write(zeros);
                }
            }
            return 0;
        }).map(v -> null);
    }

    /**
     * Flushes, then forces the file's contents and metadata to the storage device ({@link FileChannel#force}
     * {@code (true)}, {@code fsync}).
     *
     * <p><b>Cancel safety:</b> a started sync completes; its failure is then lost.
     *
     * @return a future that completes when the data is durable
     */
    public Future<Void> sync() {
        return new Op(Kind.OTHER, "sync " + path, ch -> {
            ch.force(true);
            return 0;
        }).map(v -> null);
    }

    /**
     * As {@link #sync()}, but forces only the contents (and the metadata needed to read them: {@code fdatasync}).
     *
     * <p><b>Cancel safety:</b> as {@link #sync()}.
     *
     * @return a future that completes when the data is durable
     */
    public Future<Void> syncData() {
        return new Op(Kind.OTHER, "sync data of " + path, ch -> {
            ch.force(false);
            return 0;
        }).map(v -> null);
    }

    /**
     * Waits for the operation in flight, closes the file, then throws the failure of an earlier write if there was
     * one (the file is closed either way). Idempotent. Later operations fail with {@link ClosedChannelException}.
     * A file that is never closed keeps its descriptor until the garbage collector reclaims the channel. Once the
     * file's runtime has shut down (its blocking pool takes no more work), the close happens on the polling thread:
     * a file can always be closed.
     *
     * <p><b>Cancel safety:</b> a close cancelled while waiting for the operation in flight has not closed anything
     * (call it again); once the blocking close started, the file is closed.
     *
     * @return a future that completes when the file is closed
     */
    public Future<Void> close() {
        return new Future<>() {
            private Future<Long> op;

            @Override
            public Poll<Void> poll(Context cx) {
                if (op == null) {
                    if (closed) {
                        return Poll.ready(null);
                    }
                    if (runtimeShutDown() && busy == null) {
                        return closeHere();
                    }
                    op = new Op(Kind.OTHER, "close " + path, ch -> {
                        ch.close();
                        return 0;
                    }, false);
                }
                try {
                    if (!op.poll(cx).isReady()) {
                        return Poll.pending();
                    }
                } catch (UncheckedIOException e) {
                    if (!runtimeShutDown()) {
                        throw e;
                    }
                    return closeHere(); // the pool refused the close: the runtime shut down meanwhile
                }
                closed = true;
                buf = ByteBuffer.allocate(0);
                throwWriteError();
                return Poll.ready(null);
            }

            private Poll<Void> closeHere() {
                closed = true;
                buf = ByteBuffer.allocate(0);
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throwWriteError();
                return Poll.ready(null);
            }

            @Override
            public void cancel() {
                if (op != null) {
                    op.cancel();
                }
            }
        };
    }

    private boolean runtimeShutDown() {
        return io.cortado.internal.HandleAccess.core(runtime).isShutdown();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The state machine

    /**
     * An operation other than read and write: waits for the call in flight, then runs its own call and completes
     * with its number.
     */
    private final class Op implements Future<Long> {
        private final Kind kind;
        private final String what;
        private final ChannelWork work;
        private final boolean reportWriteError;
        private JoinHandle<Done> mine;

        Op(Kind kind, String what, ChannelWork work) {
            this(kind, what, work, true);
        }

        Op(Kind kind, String what, ChannelWork work, boolean reportWriteError) {
            this.kind = kind;
            this.what = what;
            this.work = work;
            this.reportWriteError = reportWriteError;
        }

        @Override
        public Poll<Long> poll(Context cx) {
            if (mine == null) {
                checkOpen();
                if (!finishBusy(cx)) {
                    return Poll.pending();
                }
                if (reportWriteError) {
                    throwWriteError();
                }
                int unread = buf.remaining();
                ByteBuffer b = buf;
                b.clear().limit(0); // rule 2: read-ahead is discarded, and the position moved back over it
                start(kind, b, ch -> {
                    if (unread > 0) {
                        ch.position(ch.position() - unread);
                    }
                    return work.run(ch);
                });
                mine = busy;
            }
            if (busy != mine) {
                throw new IllegalStateException("another operation ran on " + path
                        + " while this one was pending: an AsyncFile serves one task at a time");
            }
            Done d = pollBusy(cx);
            if (d == null) {
                return Poll.pending();
            }
            if (d.error() != null) {
                throw IoErrors.unchecked(d.error(), what);
            }
            return Poll.ready(d.value());
        }
    }

    /** Starts a blocking call that owns {@code b} until it ends (rule 1). */
    private void start(Kind kind, ByteBuffer b, ChannelWork work) {
        buf = null;
        busy = runtime.spawnBlocking(() -> {
            IOException error;
            try {
                return new Done(kind, b, work.run(channel), null);
            } catch (IOException e) {
                error = e;
            } catch (NonReadableChannelException e) {
                error = new IOException(path + " is not open for reading (open it with READ)", e);
            } catch (NonWritableChannelException e) {
                error = new IOException(path + " is not open for writing (open it with WRITE or APPEND)", e);
            }
            if (kind == Kind.READ) {
                b.clear().limit(0);
            }
            return new Done(kind, b, -1, error);
        });
    }

    /** Waits for the call in flight, if any, and takes in its result; {@code false} while it runs. */
    private boolean finishBusy(Context cx) {
        return busy == null || pollBusy(cx) != null;
    }

    /**
     * Polls the call in flight; when it is done takes the buffer back and keeps a write's failure (rule 3).
     *
     * @return its result, or {@code null} while it runs
     */
    private Done pollBusy(Context cx) {
        Poll<Done> p;
        try {
            p = busy.poll(cx);
        } catch (JoinException e) {
            busy = null;
            buf = ByteBuffer.allocate(0); // the buffer went with the cancelled call
            throw io.cortado.internal.Throwables.ofBlockingIo(e, "operation on " + path);
        }
        if (!p.isReady()) {
            return null;
        }
        busy = null;
        Done d = p.value();
        buf = d.buf();
        switch (d.kind()) {
            case READ -> { } // read mode: the bytes read (none after a failure)
            case WRITE -> {
                buf.clear().limit(0);
                if (d.error() != null && writeError == null) {
                    writeError = d.error();
                }
            }
            default -> buf.clear().limit(0);
        }
        return d;
    }

    /** @return a cleared buffer of at least {@code n} bytes, limited to {@code n} */
    private ByteBuffer takeBuffer(int n) {
        ByteBuffer b = buf;
        if (b.capacity() < n) {
            b = ByteBuffer.allocate(Math.max(n, Math.min(2 * b.capacity(), MAX_BUF)));
        }
        b.clear().limit(n);
        return b;
    }

    private int copyTo(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), buf.remaining());
        int lim = buf.limit();
        buf.limit(buf.position() + n);
        dst.put(buf);
        buf.limit(lim);
        return n;
    }

    private void throwWriteError() {
        IOException e = writeError;
        if (e != null) {
            writeError = null;
            throw IoErrors.unchecked(e, "write " + path);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new UncheckedIOException(new ClosedChannelException());
        }
    }

    private static void closeNow(AsyncFile f) {
        try {
            f.channel.close();
        } catch (IOException ignored) {
            // an orphaned open (its future was cancelled): nobody to tell
        }
    }

    @Override
    public String toString() {
        return "AsyncFile[" + path + (closed ? ", closed]" : "]");
    }
}
