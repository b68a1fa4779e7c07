package io.cortado;

import io.cortado.internal.RuntimeContext;
import io.cortado.internal.Throwables;
import io.cortado.internal.future.ConsumeBudget;
import io.cortado.internal.future.YieldNow;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Ambient task operations: they act on the runtime running the calling thread, found without any argument.
 * Outside a runtime they throw an {@link IllegalStateException} that says how to start one; each also exists on
 * {@link Handle} for code that passes its runtime explicitly.
 */
public final class Task {
    private Task() {
    }

    /**
     * Spawns {@code future} onto the current runtime. See {@link Handle#spawn}.
     *
     * @param future the task's future
     * @param <T>    output type
     * @return its join handle
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static <T> JoinHandle<T> spawn(Future<T> future) {
        Objects.requireNonNull(future, "future");
        return Handle.current().spawn(future);
    }

    /**
     * Spawns {@code future} as a local task of the {@link LocalSet} being driven on this thread: it is polled only
     * on this thread, so it may hold state that is not thread-safe. See {@link LocalSet}.
     *
     * @param future the task's future
     * @param <T>    output type
     * @return its join handle
     * @throws IllegalStateException if no local set is being driven on this thread (the message says how to make
     *                               one)
     */
    public static <T> JoinHandle<T> spawnLocal(Future<T> future) {
        Objects.requireNonNull(future, "future");
        return LocalSet.current().spawnLocal(future);
    }

    /**
     * Runs blocking work on the current runtime's blocking pool. See {@link Handle#spawnBlocking}.
     *
     * @param work the blocking work
     * @param <T>  output type
     * @return its join handle
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static <T> JoinHandle<T> spawnBlocking(Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        return Handle.current().spawnBlocking(work);
    }

    /**
     * Runs blocking work right here, on a runtime thread, after making sure the runtime's other tasks can run
     * elsewhere meanwhile. Outside a runtime, and on a blocking-pool thread, it simply calls {@code work}.
     *
     * @param work the blocking work
     * @param <T>  output type
     * @return what {@code work} returned (a checked exception is wrapped in a
     * {@link java.util.concurrent.CompletionException})
     * @throws IllegalStateException on the current-thread runtime, whose only thread must not block
     */
    public static <T> T blockInPlace(Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        Handle h = RuntimeContext.currentOrNull();
        if (h != null) {
            return h.core().blockInPlace(work);
        }
        try {
            return work.call();
        } catch (Exception e) {
            throw Throwables.unchecked(e);
        }
    }

    /**
     * Starts a task builder: name the task (for reports such as the blocked-worker watchdog's) and choose its
     * priority class, as Tokio's {@code task::Builder} does.
     *
     * <pre>{@code
     * Task.builder().name("heartbeat").priority(Priority.CONTROL).spawn(heartbeat());
     * }</pre>
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Spawns tasks with a name and a priority class. Reusable; not thread-safe. */
    public static final class Builder {
        private String name;
        private Priority priority = Priority.DATA;

        private Builder() {
        }

        /**
         * @param name the task's name (shown in watchdog reports and traces)
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param priority the task's priority class (default {@link Priority#DATA})
         * @return this builder
         */
        public Builder priority(Priority priority) {
            this.priority = Objects.requireNonNull(priority, "priority");
            return this;
        }

        /**
         * Spawns onto the current runtime.
         *
         * @param future the task's future
         * @param <T>    output type
         * @return its join handle
         * @throws IllegalStateException if no runtime runs this thread
         */
        public <T> JoinHandle<T> spawn(Future<T> future) {
            return spawnOn(Handle.current(), future);
        }

        /**
         * Spawns onto the runtime of {@code handle}, from any thread.
         *
         * @param handle the runtime
         * @param future the task's future
         * @param <T>    output type
         * @return its join handle
         */
        public <T> JoinHandle<T> spawnOn(Handle handle, Future<T> future) {
            Objects.requireNonNull(handle, "handle");
            Objects.requireNonNull(future, "future");
            return handle.spawn(future, name, priority);
        }
    }

    /**
     * Returns a future that yields once: its first poll wakes the task and returns {@code Pending}, so the scheduler
     * runs the other ready tasks before this one continues; its second poll is ready.
     *
     * <p><b>Cancel safety:</b> nothing to lose.
     *
     * @return the future
     */
    public static Future<Void> yieldNow() {
        return new YieldNow();
    }

    /**
     * Returns a future that spends one unit of the task's cooperative budget: ready at once while budget is left,
     * otherwise it yields first. Put it in loops that may never wait (see {@link Context}).
     *
     * <p><b>Cancel safety:</b> nothing to lose.
     *
     * @return the future
     */
    public static Future<Void> consumeBudget() {
        return ConsumeBudget.INSTANCE;
    }
}
