package io.cortado;

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
 * A {@link ScopedValue} bound around each poll of the scoped future (the binding is made once per scope and reused
 * by every poll). Scopes nest: an inner scope of the same local shadows the outer one for its own future only.
 * The cost per poll of a scoped future is measured in BENCHMARKS.md ({@code TaskLocalBenchmark}).
 *
 * @param <T> the value type
 */
public final class TaskLocal<T> {
    private final ScopedValue<T> key = ScopedValue.newInstance();
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
        return new Scoped<>(ScopedValue.where(key, value), future);
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
        return ScopedValue.where(key, value).call(body::get);
    }

    /**
     * Passes this local's current value on to {@code future} (for a task about to be spawned: a spawned task does
     * not see its parent's values otherwise). Outside a scope, returns {@code future} unchanged.
     *
     * @return {@code future}, scoped with the current value if there is one
     */
    public <R> Future<R> inherit(Future<R> future) {
        Objects.requireNonNull(future, "future");
        return key.isBound() ? scope(key.get(), future) : future;
    }

    /**
     * @return the value of the innermost scope being polled on this thread
     * @throws IllegalStateException if no scope of this local is being polled here
     */
    public T get() {
        if (!key.isBound()) {
            throw new IllegalStateException("TaskLocal '" + name + "' is not set here: read it only inside a future "
                    + "wrapped with " + name + ".scope(value, future) (or inside callWith); a spawned task does not "
                    + "inherit it unless spawned with " + name + ".inherit(future)");
        }
        return key.get();
    }

    /** @return whether a scope of this local is being polled on this thread */
    public boolean isSet() {
        return key.isBound();
    }

    /** @return the current value, or {@code fallback} outside any scope */
    public T orElse(T fallback) {
        return key.orElse(fallback);
    }

    @Override
    public String toString() {
        return "TaskLocal[" + name + "]";
    }

    /** The scoped future: polls {@code inner} inside the binding. The operation object is reused by every poll. */
    private static final class Scoped<R> implements Future<R>, ScopedValue.CallableOp<Poll<R>, RuntimeException> {
        private final ScopedValue.Carrier carrier;
        private final Future<R> inner;
        private Context cx;

        Scoped(ScopedValue.Carrier carrier, Future<R> inner) {
            this.carrier = carrier;
            this.inner = inner;
        }

        @Override
        public Poll<R> poll(Context cx) {
            this.cx = cx;
            try {
                return carrier.call(this);
            } finally {
                this.cx = null;
            }
        }

        @Override
        public Poll<R> call() {
            return inner.poll(cx);
        }

        @Override
        public void cancel() {
            carrier.run(inner::cancel);
        }
    }
}
