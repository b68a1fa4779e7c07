package io.cortado.signal;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.stream.Stream;

import java.util.Objects;

/**
 * A listener for one POSIX signal, as Tokio's {@code tokio::signal::unix::Signal}: a {@link Stream} with one item
 * per delivery of the signal to this process after the listener was created, and {@link #recv()} for the next one.
 *
 * <pre>{@code
 * Signal hup = Signal.of(SignalKind.HUP);       // listening starts here
 * hup.forEach(k -> reloadConfiguration());      // a Future<Void> to spawn
 *
 * Signal.ctrlC().then(v -> shutdown());         // Future<Void>
 * }</pre>
 *
 * <h2>The default action is replaced for good</h2>
 * <b>Once any listener for a signal has been created, the signal's default action is replaced for the rest of
 * the life of the process</b>, even after every listener is closed: after {@code Signal.ctrlC()} has been polled,
 * Ctrl-C no longer ends the JVM (nor runs its shutdown hooks); after {@code Signal.of(TERM)}, {@code kill} no longer
 * stops it. The program must now act on the signal itself. Deliveries nobody listens for are counted and dropped.
 * This is Tokio's behaviour too: a signal's disposition belongs to the whole process.
 *
 * <h2>Counting</h2>
 * Every delivery the JVM reports is counted (see {@link SignalRegistry}), and a listener returns one item per
 * delivery, so deliveries that arrive between two awaits are not lost. The operating system merges a signal sent
 * again before the first one was handled, so two quick {@code kill}s may arrive as one.
 *
 * <h2>Reserved signals</h2>
 * {@link #of} fails with an {@link IllegalArgumentException} for signals the JVM keeps for itself: {@code QUIT}
 * (thread dumps), {@code USR2} (HotSpot's thread suspend/resume signal), {@code BUS}, {@code SEGV}, {@code ILL},
 * {@code FPE}, the uncatchable {@code KILL} and {@code STOP}, names the platform does not know, and
 * {@code HUP}/{@code INT}/{@code TERM} when the JVM runs with {@code -Xrs} or the process ignores them ({@code nohup}).
 *
 * <p>A listener is driven by one task at a time. Listening needs no runtime; the wake-ups come from the JVM's
 * signal-handler threads.
 */
public final class Signal implements Stream<SignalKind>, AutoCloseable {
    private final SignalRegistry.Slot slot;
    /** Deliveries taken by this listener (rule 2 of {@link SignalRegistry}); owned by the poller. */
    private long seen;
    /** The latest poller's waker; read by the handler (rule 3). */
    volatile Waker waker;
    private volatile boolean closed;

    private Signal(SignalRegistry.Slot slot) {
        this.slot = slot;
    }

    /**
     * Starts listening for {@code kind}: installs Cortado's handler for it if this is the first listener (replacing
     * the signal's default action for the life of the process) and counts every delivery from now on.
     *
     * @param kind the signal
     * @return the listener; {@link #close()} it when done
     * @throws IllegalArgumentException if the JVM reserves the signal, the platform does not know it, or the
     *                                  process ignores it (see the class comment)
     */
    public static Signal of(SignalKind kind) {
        Objects.requireNonNull(kind, "kind");
        SignalRegistry.Slot s = SignalRegistry.slot(kind);
        Signal l = new Signal(s);
        l.seen = s.delivered.get();
        s.listeners.add(l);
        return l;
    }

    /**
     * Starts listening for the signal named {@code name} ({@code "HUP"}, {@code "SIGHUP"} or {@code "hup"}); see
     * {@link #of(SignalKind)}.
     *
     * @param name the signal's name
     * @return the listener
     * @throws IllegalArgumentException if the name is malformed or unknown, or the signal is reserved or ignored
     */
    public static Signal of(String name) {
        return of(new SignalKind(Objects.requireNonNull(name, "name")));
    }

    /**
     * A future that completes at the next {@code SIGINT} (Ctrl-C at the terminal), as Tokio's
     * {@code signal::ctrl_c()}. Lazy: it starts listening at its first poll, so a Ctrl-C before that is not seen;
     * <b>from that poll on, Ctrl-C no longer ends the JVM</b> (see the class comment).
     *
     * <p><b>Cancel safety:</b> a cancelled future stops listening (the handler stays installed); a Ctrl-C that
     * arrives afterwards is not seen by it.
     *
     * @return the future; its first poll throws {@link IllegalArgumentException} if the JVM runs with {@code -Xrs}
     */
    public static Future<Void> ctrlC() {
        return new Future<>() {
            private Signal listener;

            @Override
            public Poll<Void> poll(Context cx) {
                if (listener == null) {
                    listener = Signal.of(SignalKind.INT);
                }
                if (!listener.pollNext(cx).isReady()) {
                    return Poll.pending();
                }
                listener.close();
                return Poll.ready(null);
            }

            @Override
            public void cancel() {
                if (listener != null) {
                    listener.close();
                }
            }
        };
    }

    /** @return the signal this listener counts */
    public SignalKind kind() {
        return slot.kind;
    }

    /**
     * Takes the next delivery not yet taken (one ready item per delivery since the listener was created); never
     * ends. Each ready item spends one unit of the task's budget, so a flood of signals cannot keep a worker.
     *
     * <p><b>Cancel safety:</b> a delivery is taken only by the poll that returns it.
     *
     * @throws IllegalStateException if the listener was closed
     */
    @Override
    public Poll<SignalKind> pollNext(Context cx) {
        if (closed) {
            throw new IllegalStateException("the " + slot.kind + " listener is closed");
        }
        if (slot.delivered.get() == seen) {
            waker = cx.waker();
            if (slot.delivered.get() == seen) { // rule 3: after publishing the waker, look again
                cx.waitingOn(this);
                return Poll.pending();
            }
        }
        if (!cx.consumeBudget()) {
            cx.waker().wake();
            return Poll.pending();
        }
        seen++;
        return Poll.ready(slot.kind);
    }

    /**
     * A future of the next delivery.
     *
     * <p><b>Cancel safety:</b> cancel-safe: a delivery is taken only by the poll that completes the future, so a
     * cancelled {@code recv} leaves it for the next one.
     *
     * @return the future; it fails with {@link IllegalStateException} if the listener is closed
     */
    public Future<Void> recv() {
        return cx -> pollNext(cx).isReady() ? Poll.ready(null) : Poll.pending();
    }

    /**
     * How many deliveries have arrived and not been taken yet. Exact on the thread driving the listener; from
     * another thread, exact only after synchronising with it (for example after joining its task).
     *
     * @return the number of deliveries waiting
     */
    public long pending() {
        return slot.delivered.get() - seen;
    }

    /** Stops listening (the signal's handler stays installed: see the class comment). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            slot.listeners.remove(this);
            waker = null;
        }
    }

    /** The stream's drop: {@link #close()}. */
    @Override
    public void cancel() {
        close();
    }

    @Override
    public String toString() {
        return "Signal[" + slot.kind + (closed ? ", closed]" : "]");
    }
}
