package io.cortado;

import io.cortado.internal.RuntimeContext;
import io.cortado.internal.RuntimeCore;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A handle to a running {@link AsyncRuntime}: spawn onto it, run blocking work on its pool, or block on a future,
 * from any thread. Every ambient call of {@link Task} also exists here, so code can pass a handle explicitly and
 * rely on no thread-bound state at all. Handles are cheap, thread-safe and may be shared freely.
 */
public final class Handle {
    static {
        io.cortado.internal.HandleAccess.install(h -> h.core);
    }

    private final RuntimeCore core;

    Handle(RuntimeCore core) {
        this.core = core;
    }

    /**
     * Returns the handle of the runtime running the calling thread (a task, a {@code blockOn} future, or blocking
     * work spawned onto it).
     *
     * @return the current handle
     * @throws IllegalStateException if no runtime runs this thread; the message says how to start one
     */
    public static Handle current() {
        Handle h = RuntimeContext.currentOrNull();
        if (h == null) {
            throw new IllegalStateException(RuntimeContext.NO_RUNTIME);
        }
        return h;
    }

    /** @return the handle of the runtime running the calling thread, if any */
    public static Optional<Handle> tryCurrent() {
        return Optional.ofNullable(RuntimeContext.currentOrNull());
    }

    /**
     * Spawns {@code future} as a new task. It starts running soon, concurrently with the caller; the handle is a
     * future of its output. If the runtime is shut down, the future is cancelled at once and the returned handle
     * completes with a {@linkplain JoinException#isCancelled() cancelled} {@link JoinException}.
     *
     * @param future the task's future
     * @param <T>    the output type
     * @return the join handle
     */
    public <T> JoinHandle<T> spawn(Future<T> future) {
        return core.spawn(Objects.requireNonNull(future, "future"));
    }

    /**
     * Spawns {@code future} into a priority class (see {@link Priority}); otherwise like {@link #spawn(Future)}.
     *
     * @param priority the class
     * @param future   the task's future
     * @param <T>      the output type
     * @return the join handle
     */
    public <T> JoinHandle<T> spawn(Priority priority, Future<T> future) {
        return core.spawn(Objects.requireNonNull(future, "future"), null,
                Objects.requireNonNull(priority, "priority"));
    }

    <T> JoinHandle<T> spawn(Future<T> future, String name, Priority priority) {
        return core.spawn(future, name, priority);
    }

    /**
     * Runs blocking work (file I/O, a blocking library call, heavy computation) on the runtime's blocking pool, so it
     * does not stall the threads that poll futures. The pool is bounded ({@code maxBlockingThreads}); work beyond
     * the bound waits in a queue. What {@code work} throws fails the handle ({@link JoinException#getCause()}).
     *
     * <p><b>Cancel safety:</b> aborting the handle before the work started cancels it; work that has started runs
     * to completion (a blocking call cannot be interrupted safely) and its result is dropped. When the runtime
     * closes, work that has not started is cancelled (its handle throws a cancelled {@link JoinException}) and
     * running work finishes; the close waits for it, within its time-out.
     *
     * @param work the blocking work
     * @param <T>  the output type
     * @return the join handle
     */
    public <T> JoinHandle<T> spawnBlocking(Callable<? extends T> work) {
        return core.spawnBlocking(Objects.requireNonNull(work, "work"));
    }

    /**
     * Drives {@code future} to completion on the calling thread (and, on the current-thread runtime, every task
     * with it) and returns its value, or rethrows what it threw.
     *
     * @param future the future
     * @param <T>    the value type
     * @return the value
     * @throws IllegalStateException if called from inside this runtime, or if the runtime is shut down
     */
    public <T> T blockOn(Future<T> future) {
        return core.blockOn(Objects.requireNonNull(future, "future"));
    }

    /** @return the number of tasks spawned onto the runtime that have not completed */
    public int aliveTasks() {
        return core.aliveTasks();
    }

    /** @return {@code "current_thread"} or {@code "multi_thread"} */
    public String flavor() {
        return core.flavor();
    }

    /** @return the runtime's clock, which its timers run on */
    public io.cortado.time.Clock clock() {
        return core.timeDriver();
    }

    /** @return a snapshot of the runtime's metrics (see {@link RuntimeMetrics}) */
    public RuntimeMetrics metrics() {
        return new RuntimeMetrics(core.metrics());
    }

    /**
     * Lists every live task: id, name, state, priority, how long since its last poll began, what it waits on where
     * its leaf future said (see {@link Context#waitingOn}), and where it was spawned if the runtime was built with
     * {@link AsyncRuntime.Builder#captureSpawnLocations}; print it for a readable report.
     *
     * @return the dump
     */
    public TaskDump dump() {
        java.util.List<TaskDump.Task> out = new java.util.ArrayList<>();
        for (io.cortado.internal.task.TaskCell<?> t : core.liveTasks()) {
            Object w = t.waitingOnRacy();
            String state = t.stateName();
            if (!state.equals("complete")) {
                StackTraceElement at = t.spawnLocation();
                out.add(new TaskDump.Task(t.id(), t.name(), t.priority(), state, core.sinceLastPoll(t),
                        w == null ? null : String.valueOf(w), at == null ? null : at.toString()));
            }
        }
        return new TaskDump(out);
    }

    RuntimeCore core() {
        return core;
    }

    @Override
    public String toString() {
        return "Handle[" + core.flavor() + "]";
    }
}
