package io.cortado.internal.io;

import io.cortado.Waker;
import io.cortado.internal.sched.Parker;
import io.cortado.internal.time.TimeDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A runtime's reactor: one {@link Selector} (epoll on Linux, kqueue on macOS), opened on the first registration,
 * polled by whichever thread parks "in the driver" (the same thread that waits for the next timer, see
 * {@link TimeDriver} rule 4), and by busy workers on their maintenance tick.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>One selecting thread.</b> Selections and dispatches run under {@link #selectLock}. The thread parked in
 *       the time driver ({@link TimeDriver#tryEnterDriver}) takes it to block in {@link #park}; any other thread
 *       (a busy worker on its maintenance tick, a thread that closed a channel) only ever {@code tryLock}s it for a
 *       non-blocking {@link #pollNow}, and skips if it is held; except {@link #releaseClosedNow}, which queues for
 *       the (fair) lock, waking the selector until it gets it. The driver role itself is only ever taken by
 *       threads that park: a thread that takes it without parking would leave the others parked with no time-out
 *       and nobody watching timers or sockets.</li>
 *   <li><b>Report, then wake.</b> A selection only records readiness ({@link Registration#report}) and collects
 *       the registrations; {@link #dispatch} wakes their waiters afterwards, once the scheduler has marked the
 *       selecting worker as running, so the woken tasks land on a worker that will run them.</li>
 *   <li><b>Waking the selector.</b> The thread parked in the selector is woken like any parked thread, through its
 *       {@link Parker} (which then calls {@link Selector#wakeup()}); and after an interest change, because the
 *       selector applies interest changes only at the start of a selection: {@link #wakeIfSelecting} writes nothing
 *       and reads {@link #selecting} after the change is queued (the JDK queues it under a lock the selection takes
 *       after {@code selecting} is set), so a selection either sees the change or is woken to see it.</li>
 *   <li><b>Lazy start.</b> The selector opens with the first registration, which then wakes the driver so a thread
 *       already parked without it re-parks in it (a Dekker pair on {@link #selector} and the driver's parker).</li>
 *   <li><b>Shutdown</b> closes every registration (their channels too: a socket belongs to the runtime that made
 *       it, and Java has no drop to close it otherwise) and then the selector; later registrations fail.</li>
 *   <li><b>Released descriptors.</b> A closed registration's descriptor is freed by the next selection (rule 5), so
 *       "a descriptor came free" is known only after one: every close counts itself ({@link #closes}) before it
 *       makes a selection happen; a selection reads the count before it starts and, when it finished, knows every
 *       close counted by then released. It then bumps {@link #releaseEpoch} and, if anyone waits for a release
 *       (read after the bump), wakes them in its dispatch (rule 2). A waiter ({@link #awaitRelease}) queues itself,
 *       then reads the epoch: a Dekker pair, so either it sees the bump or the selection sees it queued. A close
 *       counted after a selection began is seen by the next one, which that close itself brings about.</li>
 * </ol>
 * Guarded by {@code FdExhaustionTest} (rule 6: a paused accept resumes when a connection closes).
 */
public final class IoDriver {
    private final TimeDriver time;
    private final Object openLock = new Object();
    private final java.util.concurrent.locks.ReentrantLock selectLock = new java.util.concurrent.locks.ReentrantLock(true);
    private volatile Selector selector;
    private volatile boolean selecting;
    private volatile boolean shutdown;
    /** Rule 2: registrations reported by the last selection, and their directions; under {@link #selectLock}. */
    private Registration[] events = new Registration[64];
    private int[] eventDirs = new int[64];
    private int eventCount;
    private final Consumer<SelectionKey> collector = this::collect;
    /** Rule 6: closed registrations, counted before their release is asked for. */
    private final java.util.concurrent.atomic.AtomicLong closes = new java.util.concurrent.atomic.AtomicLong();
    /** Rule 6: the close count a finished selection is known to have released; under {@link #selectLock}. */
    private long closesReleased;
    /** Rule 6: bumped after a selection that released descriptors. */
    private volatile long releaseEpoch;
    /** Rule 6: the next dispatch wakes {@link #releaseWaiters}; under {@link #selectLock}. */
    private boolean releaseWakePending;
    private final java.util.concurrent.ConcurrentLinkedQueue<ReleaseWaiter> releaseWaiters =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** @param time the time driver whose driver role also guards this reactor (rule 1) */
    public IoDriver(TimeDriver time) {
        this.time = time;
    }

    /**
     * Registers {@code channel} (made non-blocking here) with no interest armed yet.
     *
     * @param readOp  the selector op of the read direction (OP_READ, OP_ACCEPT, or 0)
     * @param writeOp the selector op of the write direction (OP_WRITE, OP_CONNECT, or 0)
     * @param what    a description for error messages
     * @return the registration
     * @throws IOException if the runtime's reactor is shut down or the channel cannot be registered
     */
    public Registration register(SelectableChannel channel, int readOp, int writeOp, String what) throws IOException {
        Selector sel = selector;
        if (sel == null) {
            sel = open();
        }
        channel.configureBlocking(false);
        Registration r = new Registration(this, channel, readOp, writeOp, what);
        try {
            r.attach(channel.register(sel, 0, r));
        } catch (ClosedSelectorException e) {
            throw new IOException("the runtime has shut down: its reactor accepts no new " + what);
        }
        if (shutdown) { // rule 5: raced with shutdown, which may not have seen this key
            r.close("the runtime shut down");
            throw new IOException("the runtime has shut down: its reactor accepts no new " + what);
        }
        return r;
    }

    private Selector open() throws IOException {
        synchronized (openLock) {
            if (shutdown) {
                throw new IOException("the runtime has shut down: its reactor is closed");
            }
            Selector sel = selector;
            if (sel == null) {
                sel = Selector.open();
                selector = sel;
                time.wakeDriver(); // rule 4
            }
            return sel;
        }
    }

    /** @return whether the selector is open (something registered), so the driver should park in it */
    public boolean isActive() {
        return selector != null && !shutdown;
    }

    /**
     * Parks the driver holder in the selector (rules 1, 3).
     *
     * @return the number of registrations with events collected (call {@link #dispatch} next)
     */
    public int park(Parker parker, long timeoutNanos) {
        Selector sel = selector;
        if (sel == null || shutdown) {
            parker.parkNanos(timeoutNanos);
            return 0;
        }
        selectLock.lock(); // held by others only for a selectNow (rule 1)
        try {
            long closedBefore = closes.get(); // rule 6
            selecting = true;
            try {
                parker.select(sel, timeoutNanos, collector);
            } finally {
                selecting = false;
            }
            released(closedBefore);
            return eventCount + (releaseWakePending ? 1 : 0);
        } catch (IOException | ClosedSelectorException e) {
            return failed(e);
        } finally {
            selectLock.unlock();
        }
    }

    /**
     * Collects ready channels without blocking and wakes their tasks, unless another thread is selecting (rule 1):
     * a busy worker's maintenance tick, or a close that wants its descriptor released now.
     *
     * @return the number of registrations whose waiters were woken
     */
    public int pollNow() {
        Selector sel = selector;
        if (sel == null || shutdown || !selectLock.tryLock()) {
            return 0;
        }
        return selectNowAndUnlock(sel);
    }

    /** Under {@link #selectLock}: collects without blocking, wakes the waiters, releases the lock. */
    private int selectNowAndUnlock(Selector sel) {
        try {
            long closedBefore = closes.get(); // rule 6
            sel.selectNow(collector);
            released(closedBefore);
            return dispatchLocked();
        } catch (IOException | ClosedSelectorException e) {
            return failed(e);
        } finally {
            selectLock.unlock();
        }
    }

    /** A selection failed: nothing to report while shutting down (the selector was closed), an error otherwise. */
    private int failed(Exception e) {
        if (!shutdown) {
            throw new UncheckedIOException("the reactor's selector failed", e instanceof IOException io ? io
                    : new IOException(e));
        }
        return 0;
    }

    private void collect(SelectionKey key) {
        int ops;
        try {
            ops = key.readyOps();
        } catch (java.nio.channels.CancelledKeyException closedMeanwhile) {
            return; // closed by another thread during the selection: its waiters were woken by the close
        }
        Registration r = (Registration) key.attachment();
        int dirs = r.report(ops);
        if (dirs == 0) {
            return;
        }
        if (eventCount == events.length) {
            events = java.util.Arrays.copyOf(events, eventCount * 2);
            eventDirs = java.util.Arrays.copyOf(eventDirs, eventCount * 2);
        }
        events[eventCount] = r;
        eventDirs[eventCount++] = dirs;
    }

    /** Wakes the waiters of the events the last {@link #park} collected (rule 2). */
    public void dispatch() {
        selectLock.lock();
        try {
            dispatchLocked();
        } finally {
            selectLock.unlock();
        }
    }

    private int dispatchLocked() {
        int n = eventCount;
        eventCount = 0;
        for (int i = 0; i < n; i++) {
            Registration r = events[i];
            events[i] = null;
            r.dispatch(eventDirs[i]);
        }
        if (releaseWakePending) { // rule 6
            releaseWakePending = false;
            for (ReleaseWaiter w; (w = releaseWaiters.poll()) != null; ) {
                w.queued = false;
                Waker k = w.waker;
                if (k != null) {
                    k.wake();
                }
                n++;
            }
        }
        return n;
    }

    /** Rule 6, under {@link #selectLock} after a selection: the closes counted before it are released. */
    private void released(long closedBefore) {
        if (closedBefore != closesReleased) {
            closesReleased = closedBefore;
            releaseEpoch = releaseEpoch + 1; // only selections write it, under the lock
            if (!releaseWaiters.isEmpty()) { // read after the bump: Dekker with awaitRelease
                releaseWakePending = true;
            }
        }
    }

    /** @return the count of selections that released closed descriptors (rule 6); compare with a later read */
    public long releaseEpoch() {
        return releaseEpoch;
    }

    /**
     * Rule 6: asks for {@code waiter}'s waker to be woken after the next selection that releases a descriptor.
     *
     * @param waiter the caller's node (queued once until a dispatch takes it out)
     * @param waker  the waker to wake
     * @param epoch  what {@link #releaseEpoch()} said when the caller found itself short of descriptors
     * @return {@code true} if descriptors were released since then (retry now; the waiter may still be woken once)
     */
    public boolean awaitRelease(ReleaseWaiter waiter, Waker waker, long epoch) {
        waiter.waker = waker;
        if (!waiter.queued) {
            waiter.queued = true;
            releaseWaiters.add(waiter);
        }
        return releaseEpoch != epoch; // after queuing: Dekker with released()
    }

    /**
     * One task's wish to be woken when a descriptor is released (rule 6), for code that cannot proceed until one is
     * (an accept that failed with too many open files). Reused across waits; driven by one task at a time.
     */
    public static final class ReleaseWaiter {
        volatile Waker waker;
        /** Whether it is in the queue; set by the waiter, cleared by the dispatch that takes it out. */
        volatile boolean queued;
    }

    /** Rule 3: wakes the thread blocked in the selector, if one is, so it applies a changed interest set. */
    void wakeIfSelecting() {
        if (selecting) {
            Selector sel = selector;
            if (sel != null) {
                sel.wakeup();
            }
        }
    }

    /**
     * Waits until the selector has released the descriptors of closed registrations (rule 5): wakes the selecting
     * thread and waits for its selection to end, or selects without blocking here. A closed listener then refuses
     * connections at once. Not from inside a dispatch (the lock is held there): then it only wakes the selector.
     */
    void releaseClosedNow() {
        Selector sel = selector;
        if (sel == null || shutdown || selectLock.isHeldByCurrentThread()) {
            wakeIfSelecting();
            return;
        }
        boolean interrupted = false;
        while (!selectLock.tryLock()) {
            // Wake unconditionally, and again each round: the holder may be about to block in select, and it may
            // take the lock again before this thread queues for it. Queued (the lock is fair), this thread gets it
            // at the holder's next release.
            sel.wakeup();
            try {
                if (selectLock.tryLock(50, java.util.concurrent.TimeUnit.MICROSECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            selectNowAndUnlock(sel);
        } catch (UncheckedIOException selectorFailed) {
            // a close does not fail for the selector: the next park reports it
        }
    }

    /**
     * A registration closed: its descriptor is released by the selector's next selection (rule 5), so make one
     * happen now — wake the selecting thread, or select without blocking here — and a closed listener stops
     * accepting at once.
     */
    void deregistered() {
        closes.incrementAndGet(); // rule 6: counted before the selection that releases it is brought about
        if (selecting) {
            wakeIfSelecting();
        } else {
            pollNow(); // if another thread holds the lock, it is about to select, which releases the descriptor
        }
    }

    /** Rule 5: closes every registration and the selector. Idempotent; call after the runtime's threads stopped. */
    public void shutdown() {
        Selector sel;
        synchronized (openLock) {
            shutdown = true;
            sel = selector;
        }
        if (sel == null) {
            return;
        }
        List<Registration> open = new ArrayList<>();
        try {
            for (SelectionKey k : sel.keys()) {
                open.add((Registration) k.attachment());
            }
        } catch (ClosedSelectorException alreadyClosed) {
            return;
        }
        for (Registration r : open) {
            r.close("the runtime shut down");
        }
        try {
            sel.close();
        } catch (IOException ignored) {
            // nothing useful to report at shutdown
        }
    }
}
