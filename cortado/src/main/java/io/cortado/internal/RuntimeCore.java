package io.cortado.internal;

import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Priority;

import java.util.concurrent.Callable;

/** What a {@link io.cortado.Handle} and an {@link io.cortado.AsyncRuntime} delegate to: one per runtime flavour. */
public interface RuntimeCore {

    /** Spawns a task; after shutdown, returns a handle of an already cancelled task. */
    default <T> JoinHandle<T> spawn(Future<T> future) {
        return spawn(future, null, Priority.DATA);
    }

    /** Spawns a named task into a priority class; {@code name} may be {@code null}. */
    <T> JoinHandle<T> spawn(Future<T> future, String name, Priority priority);

    /** Runs blocking work on the blocking pool. */
    <T> JoinHandle<T> spawnBlocking(Callable<? extends T> work);

    /** Drives {@code future} to completion on the calling thread. */
    <T> T blockOn(Future<T> future);

    /** Runs blocking work on the current runtime thread, if the flavour allows it. */
    <T> T blockInPlace(Callable<? extends T> work);

    /** Cancels every task and stops the threads, waiting up to {@code nanos}; returns whether all stopped. */
    boolean shutdown(long nanos);

    /** @return whether shutdown has begun */
    boolean isShutdown();

    /** @return the number of tasks spawned and not yet completed */
    int aliveTasks();

    /** @return the runtime's timers and clock */
    io.cortado.internal.time.TimeDriver timeDriver();

    /** @return the runtime's reactor */
    io.cortado.internal.io.IoDriver ioDriver();

    /** @return the live tasks now (for dumps) */
    java.util.List<io.cortado.internal.task.TaskCell<?>> liveTasks();

    /**
     * @param task a task of this runtime
     * @return how long ago its last poll began, to about a millisecond, or {@code null} if it was never polled or its
     * last stamp is a schedule time (see {@code TaskCell.stamp})
     */
    java.time.Duration sinceLastPoll(io.cortado.internal.task.TaskCell<?> task);

    /** @return a snapshot of the runtime's metrics */
    MetricsData metrics();

    /** @return the simulated network of a deterministic runtime, or {@code null}: sockets are the kernel's */
    default io.cortado.internal.sim.SimNet simNet() {
        return null;
    }

    /** @return the seeded generator of a deterministic runtime, or {@code null}: use a thread-local one */
    default java.util.random.RandomGenerator random() {
        return null;
    }

    /** @return "current_thread" or "multi_thread" */
    String flavor();
}
