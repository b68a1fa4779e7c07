package io.cortado.fs;

import io.cortado.Context;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.io.IoErrors;
import io.cortado.stream.Stream;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Fs#readDir}: a directory listing fetched in batches on the blocking pool.
 *
 * <h2>Rules</h2>
 * The open {@link DirectoryStream} holds a file descriptor, so who closes it is decided by one atomic
 * {@link #state}: IDLE (no batch in flight), QUEUED (a batch was handed to the pool and has not started), RUNNING (a
 * pool thread is fetching), CANCELLED (final).
 * <ol>
 *   <li>Only the poller moves IDLE to QUEUED, and only when it needs a batch; only the batch moves QUEUED to
 *       RUNNING (if it cannot, the stream was cancelled and the batch does nothing) and RUNNING back to IDLE.</li>
 *   <li>The directory is touched by the batch only while RUNNING, and by the canceller only after it moved IDLE or
 *       QUEUED to CANCELLED, so never by two threads at once; the state's CAS orders the accesses.</li>
 *   <li>Cancel from IDLE or QUEUED closes the directory at once (a QUEUED batch is also aborted; if it runs anyway
 *       it sees CANCELLED and leaves). Cancel from RUNNING only marks CANCELLED; the batch, failing to move back to
 *       IDLE, closes the directory itself. So the descriptor is closed exactly once in every interleaving, even if
 *       the runtime shuts down and a queued batch never runs.</li>
 *   <li>The batch closes the directory itself at its end or on a failure; the stream then ends or fails.</li>
 * </ol>
 * Guarded by {@code FsTest} (listing, cancellation in the middle, no descriptor left open).
 */
final class ReadDir implements Stream<Path> {
    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;
    private static final int CANCELLED = 3;

    private final Path dir;
    private final int batchSize;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** Touched only under the rules above. */
    private DirectoryStream<Path> stream;
    private Iterator<Path> entries;

    // owned by the poller
    private JoinHandle<Batch> inFlight;
    private List<Path> items = List.of();
    private int next;
    private boolean last;
    private boolean failed;

    /** What one blocking fetch returns. */
    private record Batch(List<Path> items, boolean last) {
    }

    ReadDir(Path dir, int batchSize) {
        this.dir = dir;
        this.batchSize = batchSize;
    }

    @Override
    public Poll<Path> pollNext(Context cx) {
        if (failed || state.get() == CANCELLED) {
            throw new IllegalStateException("readDir(" + dir + ") polled after it failed or was cancelled");
        }
        for (; ; ) {
            if (next < items.size()) {
                if (!cx.consumeBudget()) { // a huge directory must not keep the worker
                    cx.waker().wake();
                    return Poll.pending();
                }
                return Poll.ready(items.get(next++));
            }
            if (last) {
                return Poll.ready(null);
            }
            if (inFlight == null) {
                state.set(QUEUED); // rule 1: IDLE -> QUEUED, only here
                inFlight = Handle.current().spawnBlocking(this::fetch);
            }
            Poll<Batch> p;
            try {
                p = inFlight.poll(cx);
            } catch (JoinException e) {
                inFlight = null;
                failed = true;
                throw io.cortado.internal.Throwables.ofBlockingIo(e, "read directory " + dir);
            }
            if (!p.isReady()) {
                return Poll.pending();
            }
            inFlight = null;
            Batch b = p.value();
            items = b.items();
            next = 0;
            last = b.last();
        }
    }

    /** One batch, on the blocking pool (rules 1, 2, 4). */
    private Batch fetch() {
        if (!state.compareAndSet(QUEUED, RUNNING)) {
            return new Batch(List.of(), true); // cancelled before it started: the canceller closed (rule 3)
        }
        List<Path> got = new ArrayList<>(Math.min(batchSize, 16));
        boolean end = true;
        RuntimeException failure = null;
        try {
            if (stream == null) {
                stream = Files.newDirectoryStream(dir);
                entries = stream.iterator();
            }
            while (got.size() < batchSize && entries.hasNext()) {
                got.add(entries.next());
            }
            end = !entries.hasNext();
        } catch (IOException e) {
            failure = IoErrors.unchecked(e, "read directory " + dir);
        } catch (DirectoryIteratorException e) {
            failure = IoErrors.unchecked(e.getCause(), "read directory " + dir);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (end) {
            closeQuietly(); // rule 4
        }
        if (!state.compareAndSet(RUNNING, IDLE)) {
            closeQuietly(); // cancelled while running: this batch closes (rule 3)
        }
        if (failure != null) {
            throw failure;
        }
        return new Batch(got, end);
    }

    private void closeQuietly() {
        DirectoryStream<Path> s = stream;
        stream = null;
        entries = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // nothing to report it to: the listing is over either way
            }
        }
    }

    /** Rule 3. */
    @Override
    public void cancel() {
        for (; ; ) {
            int s = state.get();
            if (s == CANCELLED) {
                return;
            }
            if (state.compareAndSet(s, CANCELLED)) {
                if (s == IDLE || s == QUEUED) {
                    closeQuietly();
                }
                if (inFlight != null) {
                    inFlight.abort();
                    inFlight = null;
                }
                return;
            }
        }
    }
}
