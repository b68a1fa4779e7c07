package io.cortado.internal.io;

import io.cortado.Context;
import io.cortado.Waker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * One channel's registration with the {@link IoDriver}: its readiness, kept here (not only in the selector), and
 * the two waiters, one per direction (read and write), so a reader and a writer in two tasks wake independently.
 *
 * <h2>State word {@code ready}</h2>
 * Bits 0–1: READ, WRITE readiness; bit 2: CLOSED; bits 8–19 and 20–31: a tick per direction (read, write) that
 * the driver bumps whenever it reports that direction, modulo 4,096.
 * <ol>
 *   <li><b>Optimistic start.</b> A new registration is READ|WRITE ready and armed for nothing: the first operation
 *       tries the system call, and only an operation that would block arms interest.</li>
 *   <li><b>Clear only what you saw.</b> An operation that would block (or a read that did not fill its buffer, which
 *       on epoll/kqueue shows the socket drained) clears its bit with a CAS that fails if that direction's tick
 *       moved since it read the word: a report that arrived meanwhile is kept. The ticks are per direction so a
 *       report of the other direction does not block the clear (with one tick, a read report arriving during a
 *       write left the write direction falsely ready: harmless, one wasted system call, but found by Lincheck as
 *       a state no sequential order explains).</li>
 *   <li><b>No lost wake-up (Dekker).</b> A waiter writes its waker (volatile), then re-reads {@code ready}; the
 *       driver writes {@code ready} (CAS), then takes the waker ({@code getAndSet(null)}). Either the waiter sees the
 *       bit, or the driver sees the waker. Only then does the waiter make sure its interest is armed, so the
 *       selector — level-triggered in Java — reports the channel again if it is still ready.</li>
 *   <li><b>Interest.</b> {@link #armed} and the key's interest set change under this object's monitor. After a read
 *       report that found no waiter, the driver disarms read interest (under the monitor, re-checking that no waiter
 *       arrived), so a ready channel nobody reads cannot make the selector spin; a write report always disarms write
 *       interest first and then takes the waiter. A waiter that finds its interest disarmed re-arms it and, if a
 *       thread is blocked in the selector, wakes it so the new interest takes effect.</li>
 *   <li><b>Close.</b> {@link #close} sets CLOSED, cancels the key and wakes both waiters; every later operation fails
 *       with a {@link ClosedChannelException} (or the runtime-shutdown error). The channel's descriptor is released
 *       by the selector's next selection, which close triggers.</li>
 * </ol>
 * Guarded by {@code RegistrationLincheckTest} (the readiness word against a model: rules 1–3 and 5), the
 * jcstress litmus tests of {@code WakeUpProtocols} (rules 2 and 3), the TCP suites and {@code IoStressTest}.
 */
public final class Registration {
    /** Read direction (also accept). */
    public static final int READ = 1;
    /** Write direction (also connect). */
    public static final int WRITE = 2;
    static final int CLOSED = 4;
    private static final int READ_TICK_SHIFT = 8;
    private static final int WRITE_TICK_SHIFT = 20;
    private static final int TICK_MASK = 0xFFF;

    private static final VarHandle READY;
    private static final VarHandle READ_WAKER;
    private static final VarHandle WRITE_WAKER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            READY = l.findVarHandle(Registration.class, "ready", int.class);
            READ_WAKER = l.findVarHandle(Registration.class, "readWaker", Waker.class);
            WRITE_WAKER = l.findVarHandle(Registration.class, "writeWaker", Waker.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final IoDriver driver;
    private final SelectableChannel channel;
    private final String what;
    private volatile int ready = READ | WRITE; // rule 1
    @SuppressWarnings("unused") // through READ_WAKER
    private volatile Waker readWaker;
    @SuppressWarnings("unused") // through WRITE_WAKER
    private volatile Waker writeWaker;
    /** The interest ops armed in the key (rule 4): written under the monitor, read volatile on the fast path. */
    private volatile int armed;
    /** The selector ops of each direction (e.g. OP_CONNECT until connected, then OP_WRITE); under the monitor. */
    private int readOp;
    private int writeOp;
    private SelectionKey key;
    /** Why the registration closed, when it was not a plain local close (runtime shutdown). */
    private volatile String closedBecause;

    Registration(IoDriver driver, SelectableChannel channel, int readOp, int writeOp, String what) {
        this.driver = driver;
        this.channel = channel;
        this.readOp = readOp;
        this.writeOp = writeOp;
        this.what = what;
    }

    /**
     * A registration with no channel, selector or driver, whose state word and waiters work as usual (interest
     * changes are only recorded): for litmus and unit tests of rules 1–3.
     */
    public static Registration unattached(String what) {
        return new Registration(null, null, SelectionKey.OP_READ, SelectionKey.OP_WRITE, what);
    }

    /** @return whether {@code dir}'s readiness bit is set (tests) */
    public boolean isReady(int dir) {
        return (ready & dir) != 0;
    }

    void attach(SelectionKey key) {
        synchronized (this) {
            this.key = key;
        }
    }

    /** @return the channel */
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public String toString() {
        return "I/O readiness of " + what;
    }

    /** @return a description for error messages, e.g. "TCP stream /127.0.0.1:5000 -> /127.0.0.1:41234" */
    public String what() {
        return what;
    }

    /**
     * Polls a direction's readiness (rule 3).
     *
     * @param cx  the polling task's context
     * @param dir {@link #READ} or {@link #WRITE}
     * @return the state word seen (pass it to {@link #clearReady}) if the direction is ready, or {@code -1} after
     * registering the waker and arming interest
     * @throws UncheckedIOException if the registration is closed
     */
    public int pollReady(Context cx, int dir) {
        int r = ready;
        if ((r & (dir | CLOSED)) == 0) {
            VarHandle slot = dir == READ ? READ_WAKER : WRITE_WAKER;
            slot.setVolatile(this, cx.waker());
            r = ready;
            if ((r & (dir | CLOSED)) == 0) {
                arm(dir);
                cx.waitingOn(this);
                return -1;
            }
        }
        if ((r & CLOSED) != 0) {
            throw closedError();
        }
        return r;
    }

    /**
     * {@link #pollReady}, then spends one unit of the task's cooperative budget for the operation about to be tried
     * (when the budget is used up, the task is woken to yield and this returns {@code -1}).
     */
    public int pollReadyBudgeted(Context cx, int dir) {
        int r = pollReady(cx, dir);
        if (r >= 0 && !cx.consumeBudget()) {
            cx.waker().wake();
            return -1;
        }
        return r;
    }

    /** Clears {@code dir}'s readiness if no report arrived since {@code observed} was read (rule 2). */
    public void clearReady(int observed, int dir) {
        int shift = dir == READ ? READ_TICK_SHIFT : WRITE_TICK_SHIFT;
        for (; ; ) {
            int cur = ready;
            if (((cur ^ observed) >>> shift & TICK_MASK) != 0 || (cur & dir) == 0) {
                return;
            }
            if (READY.compareAndSet(this, cur, cur & ~dir)) {
                return;
            }
        }
    }

    /** @return the reactor this registration belongs to, or {@code null} if unattached */
    public IoDriver driver() {
        return driver;
    }

    /** @return whether {@link #close} ran */
    public boolean isClosed() {
        return (ready & CLOSED) != 0;
    }

    /** Changes the selector op of the write direction (a connected socket moves from OP_CONNECT to OP_WRITE). */
    public void setWriteOp(int op) {
        synchronized (this) {
            if ((armed & writeOp) != 0) {
                setInterest(armed & ~writeOp);
            }
            writeOp = op;
        }
    }

    /** Rule 4: makes sure {@code dir}'s interest is armed. */
    private void arm(int dir) {
        int op;
        synchronized (this) {
            op = dir == READ ? readOp : writeOp;
            if ((armed & op) != 0 || (ready & CLOSED) != 0) {
                return;
            }
            setInterest(armed | op);
        }
        if (driver != null) {
            driver.wakeIfSelecting();
        }
    }

    /** Under the monitor. */
    private void setInterest(int ops) {
        armed = ops;
        if (key == null) {
            return; // unattached (tests)
        }
        try {
            key.interestOps(ops);
        } catch (CancelledKeyException closed) {
            // closed concurrently: the CLOSED bit fails the next operation
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The driver's side

    /**
     * Records a report (rule 3, the driver's write). Driver thread, during a selection.
     *
     * @return the directions reported (pass them to {@link #dispatch})
     */
    public int report(int readyOps) {
        int dirs = 0;
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            dirs |= READ;
        }
        if ((readyOps & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            dirs |= WRITE;
        }
        if (dirs != 0) {
            int cur;
            int next;
            do {
                cur = ready;
                next = cur | dirs;
                if ((dirs & READ) != 0) {
                    next = bump(next, READ_TICK_SHIFT);
                }
                if ((dirs & WRITE) != 0) {
                    next = bump(next, WRITE_TICK_SHIFT);
                }
            } while (!READY.compareAndSet(this, cur, next));
        }
        return dirs;
    }

    private static int bump(int word, int shift) {
        return word & ~(TICK_MASK << shift) | ((word >>> shift) + 1 & TICK_MASK) << shift;
    }

    /** Wakes the waiters of the reported directions, disarming as rule 4 says. Driver thread. */
    public void dispatch(int dirs) {
        if ((dirs & READ) != 0) {
            Waker w = (Waker) READ_WAKER.getAndSet(this, (Waker) null);
            if (w != null) {
                w.wake();
            } else {
                synchronized (this) {
                    if (readWaker == null && (armed & readOp) != 0) {
                        setInterest(armed & ~readOp);
                    }
                }
            }
        }
        if ((dirs & WRITE) != 0) {
            synchronized (this) {
                if ((armed & writeOp) != 0) {
                    setInterest(armed & ~writeOp);
                }
            }
            Waker w = (Waker) WRITE_WAKER.getAndSet(this, (Waker) null);
            if (w != null) {
                w.wake();
            }
        }
    }

    /**
     * Rule 5: closes the registration and the channel, and wakes both waiters.
     *
     * @param because why, when it is not a local close (e.g. the runtime shut down), or {@code null}
     */
    public void close(String because) {
        if (because != null) {
            closedBecause = because;
        }
        int cur;
        do {
            cur = ready;
            if ((cur & CLOSED) != 0) {
                return;
            }
        } while (!READY.compareAndSet(this, cur, cur | CLOSED));
        synchronized (this) {
            if (key != null) {
                key.cancel();
            }
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing: nothing useful to report
            }
        }
        if (driver != null) {
            driver.deregistered();
        }
        wake(READ_WAKER);
        wake(WRITE_WAKER);
    }

    /**
     * Closes (rule 5) and waits until the descriptor is released, not just scheduled for release: for listeners,
     * which otherwise keep completing connections into their backlog until the selector's next selection.
     */
    public void closeAndRelease() {
        close(null);
        if (driver != null) {
            driver.releaseClosedNow();
        }
    }

    private void wake(VarHandle slot) {
        Waker w = (Waker) slot.getAndSet(this, (Waker) null);
        if (w != null) {
            w.wake();
        }
    }

    /** @return the error of an operation on a closed registration */
    public UncheckedIOException closedError() {
        String because = closedBecause;
        if (because != null) {
            return new UncheckedIOException(new IOException(what + " is closed: " + because));
        }
        ClosedChannelException e = new ClosedChannelException();
        e.initCause(new IOException(what + " was closed"));
        return new UncheckedIOException(what + " was closed", e);
    }
}
