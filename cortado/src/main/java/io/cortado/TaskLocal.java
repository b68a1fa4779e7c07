package io.cortado;

import io.cortado.internal.LocalBinding;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value scoped to a future, as Tokio's {@code task_local!}: {@code local.scope(value, future)} makes
 * {@link #get()} return {@code value} during every poll of {@code future} (and of everything it polls), whichever
 * thread runs that poll, and nowhere else: not in other tasks, not between polls, not in tasks it spawns unless it
 * passes the value on ({@link #inherit}). Context for logs and traces (a request id, the current span) belongs
 * here, not in a thread-local, because a task moves between worker threads and a worker runs many tasks.
 *
 * <pre>{@code
 * static final TaskLocal<String> REQUEST_ID = TaskLocal.newInstance("requestId");
 *
 * Task.spawn(REQUEST_ID.scope("req-42", handle(request)));
 * // anywhere inside handle(...)'s polls:
 * log("done " + REQUEST_ID.get());
 * }</pre>
 *
 * <h2>How</h2>
 * Each scoped future owns one binding node and links it in front of the polling thread's chain of bindings for the
 * extent of each poll (a field of the worker thread; a {@link ThreadLocal} on other threads), restoring the chain
 * afterwards; {@link #get()} walks the chain (see {@code internal.LocalBinding}). Scopes nest: an inner scope of
 * the same local shadows the outer one for its own future only. The first design bound a {@link ScopedValue}
 * around each poll; it cost 4 ns and 24 bytes per poll, and 17 ns with a {@code get()} in the poll (each rebinding
 * empties the scoped-value cache); the chain costs less and allocates nothing: BENCHMARKS.md
 * ({@code TaskLocalBenchmark}).
 *
 * @param <T> the value type
 */
public final class TaskLocal<T> {
    private final String name;

    private TaskLocal(String name) {
        this.name = name;
    }

    /**
     * @param name a name for error messages
     * @return a new task-local key; keep it in a {@code static final} field
     */
    public static <T> TaskLocal<T> newInstance(String name) {
        return new TaskLocal<>(Objects.requireNonNull(name, "name"));
    }

    /**
     * Returns {@code future} with this local set to {@code value} during each of its polls.
     *
     * <p><b>Cancel safety:</b> as {@code future}'s; cancelling the scope cancels {@code future} (with the value
     * visible to its {@code cancel()}).
     *
     * @param value the value, not {@code null}
     * @return the scoped future (lazy, like {@code future})
     */
    public <R> Future<R> scope(T value, Future<R> future) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(future, "future");
        return new Scoped<>(new LocalBinding(this, value), future);
    }

    /**
     * Runs {@code body} with this local set to {@code value} (Tokio's {@code sync_scope}): for code outside futures,
     * such as the setup that creates them.
     *
     * @return what {@code body} returned
     */
    public <R> R callWith(T value, Supplier<? extends R> body) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(body, "body");
        LocalBinding node = new LocalBinding(this, value);
        LocalBinding saved = LocalBinding.link(node);
        try {
            return body.get();
        } finally {
            LocalBinding.setHead(saved);
        }
    }

    /**
     * Passes this local's current value on to {@code future} (for a task about to be spawned: a spawned task does
     * not see its parent's values otherwise). Outside a scope, returns {@code future} unchanged.
     *
     * @return {@code future}, scoped with the current value if there is one
     */
    public <R> Future<R> inherit(Future<R> future) {
        Objects.requireNonNull(future, "future");
        LocalBinding b = LocalBinding.find(this);
        return b == null ? future : new Scoped<>(new LocalBinding(this, b.value), future);
    }

    /**
     * @return the value of the innermost scope being polled on this thread
     * @throws IllegalStateException if no scope of this local is being polled here
     */
    @SuppressWarnings("unchecked") // only scope() and callWith() make nodes of this key, with values of type T
    public T get() {
        LocalBinding b = LocalBinding.find(this);
        if (b == null) {
            throw new IllegalStateException("TaskLocal '" + name + "' is not set here: read it only inside a future "
                    + "wrapped with " + name + ".scope(value, future) (or inside callWith); a spawned task does not "
                    + "inherit it unless spawned with " + name + ".inherit(future)");
        }
        return (T) b.value;
    }

    /** @return whether a scope of this local is being polled on this thread */
    public boolean isSet() {
        return LocalBinding.find(this) != null;
    }

    /** @return the current value, or {@code fallback} outside any scope */
    @SuppressWarnings("unchecked") // as get()
    public T orElse(T fallback) {
        LocalBinding b = LocalBinding.find(this);
        return b == null ? fallback : (T) b.value;
    }

    @Override
    public String toString() {
        return "TaskLocal[" + name + "]";
    }

    /** The scoped future: links its node in front of the thread's chain around each poll (LocalBinding rule 2). */
    private static final class Scoped<R> implements Future<R> {
        private final LocalBinding node;
        private final Future<R> inner;

        Scoped(LocalBinding node, Future<R> inner) {
            this.node = node;
            this.inner = inner;
        }

        @Override
        public Poll<R> poll(Context cx) {
            LocalBinding saved = LocalBinding.link(node);
            try {
                return inner.poll(cx);
            } finally {
                LocalBinding.unlink(node, saved);
            }
        }

        @Override
        public void cancel() {
            LocalBinding saved = LocalBinding.link(node);
            try {
                inner.cancel();
            } finally {
                LocalBinding.unlink(node, saved);
            }
        }
    }
}
