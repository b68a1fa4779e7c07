package io.cortado.trace;

import io.cortado.internal.LocalBinding;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A named period of work with fields (a request, a connection, a task), entered and exited as the work runs, and
 * nested: events carry the innermost span entered where they happen. Make one with {@link Tracer#span}; attach it
 * to a future with {@link io.cortado.Future#instrument} (entered around each poll, on whatever thread polls, and
 * closed when the future completes or is cancelled), or enter it around synchronous code with {@link #enter()}.
 *
 * <p>When tracing is off for the span's level, {@link Tracer#span} returns {@link #NONE}, whose methods do nothing.
 *
 * <h2>Context</h2>
 * The entered spans form a per-thread chain that follows futures, not threads: it is a task-local chain
 * ({@code internal.LocalBinding}, the same mechanism as {@link io.cortado.TaskLocal}), so an instrumented task's
 * span is current in each of its polls on any worker and in none of another task's.
 */
public final class Span implements AutoCloseable {
    /** The disabled span: entering, recording and closing it do nothing. */
    public static final Span NONE = new Span();
    /** The key of spans in the binding chain. */
    static final Object CURRENT_KEY = new Object();
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final Level level;
    private final String target;
    private final String name;
    private final Span parent;
    private final Instant start;
    private final List<Field> fields;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** How an instrumented future ended, set before the close: null (completed or closed by hand), or why. */
    private volatile Throwable failure;
    private volatile boolean cancelled;

    private Span() {
        id = 0;
        level = Level.TRACE;
        target = "";
        name = "none";
        parent = null;
        start = Instant.EPOCH;
        fields = List.of();
    }

    Span(Level level, String target, String name, List<Field> fields, Span parent) {
        this.id = IDS.incrementAndGet();
        this.level = level;
        this.target = target;
        this.name = name;
        this.parent = parent;
        this.start = Instant.now();
        this.fields = new ArrayList<>(fields);
    }

    /** @return the innermost span entered on this thread (in this task's poll), or {@code null} */
    public static Span current() {
        LocalBinding b = LocalBinding.find(CURRENT_KEY);
        return b == null ? null : (Span) b.value;
    }

    /** @return a process-unique id (0 for {@link #NONE}) */
    public long id() {
        return id;
    }

    /** @return the span's level */
    public Level level() {
        return level;
    }

    /** @return the component that made it */
    public String target() {
        return target;
    }

    /** @return its name */
    public String name() {
        return name;
    }

    /** @return the span that was current when this one was made, or {@code null} */
    public Span parent() {
        return parent;
    }

    /** @return when it was made */
    public Instant start() {
        return start;
    }

    /** @return a snapshot of its fields */
    public List<Field> fields() {
        synchronized (fields) {
            return List.copyOf(fields);
        }
    }

    /** @return whether this is a real span (not {@link #NONE}) */
    public boolean isEnabled() {
        return this != NONE;
    }

    /** @return whether {@link #close()} ran (or its future ended) */
    public boolean isClosed() {
        return closed.get();
    }

    /** Adds a field after the fact (e.g. a result); subscribers are told ({@link Subscriber#spanRecorded}). */
    public void record(String name, Object value) {
        if (this == NONE) {
            return;
        }
        Field f = new Field(name, value);
        synchronized (fields) {
            fields.add(f);
        }
        Tracing.recorded(this, f);
    }

    /** @return the failure of the instrumented future that ended this span, or {@code null} */
    public Throwable failure() {
        return failure;
    }

    /** @return whether this span ended because its instrumented future was cancelled */
    public boolean wasCancelled() {
        return cancelled;
    }

    /** Closes as failed (an instrumented future's poll threw). */
    void closeFailed(Throwable t) {
        failure = t;
        close();
    }

    /** Closes as cancelled. */
    void closeCancelled() {
        cancelled = true;
        close();
    }

    /**
     * Enters the span on this thread until the returned scope is closed (use try-with-resources). For futures use
     * {@link io.cortado.Future#instrument} instead: a future's polls may run on different threads.
     *
     * @return the scope to close
     */
    public Entered enter() {
        if (this == NONE) {
            return Entered.NOTHING;
        }
        LocalBinding node = new LocalBinding(CURRENT_KEY, this);
        LocalBinding saved = LocalBinding.link(node);
        Tracing.entered(this);
        return new Entered(this, saved);
    }

    /**
     * Runs {@code body} with this span entered on this thread (the closure form of {@link #enter()}).
     *
     * @return what {@code body} returned
     */
    public <R> R inScope(java.util.function.Supplier<? extends R> body) {
        java.util.Objects.requireNonNull(body, "body");
        Entered e = enter();
        try {
            return body.get();
        } finally {
            e.close();
        }
    }

    /** Runs {@code body} with this span entered on this thread. */
    public void inScope(Runnable body) {
        java.util.Objects.requireNonNull(body, "body");
        Entered e = enter();
        try {
            body.run();
        } finally {
            e.close();
        }
    }

    /** Ends the span (once): subscribers are told. */
    @Override
    public void close() {
        if (this != NONE && closed.compareAndSet(false, true)) {
            Tracing.closed(this);
        }
    }

    @Override
    public String toString() {
        return this == NONE ? "Span[none]" : "Span[" + name + "#" + id + " " + fields() + "]";
    }

    /** A span entered on a thread; closing it exits the span there. */
    public static final class Entered implements AutoCloseable {
        static final Entered NOTHING = new Entered(null, null);
        private final Span span;
        private final LocalBinding saved;

        Entered(Span span, LocalBinding saved) {
            this.span = span;
            this.saved = saved;
        }

        /** Exits the span and restores the thread's previous span. */
        @Override
        public void close() {
            if (span != null) {
                Tracing.exited(span);
                LocalBinding.setHead(saved);
            }
        }
    }
}
