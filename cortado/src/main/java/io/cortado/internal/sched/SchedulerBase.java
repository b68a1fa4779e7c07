package io.cortado.internal.sched;

import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Priority;
import io.cortado.internal.RuntimeCore;
import io.cortado.internal.Throwables;
import io.cortado.internal.blocking.BlockingFuture;
import io.cortado.internal.blocking.BlockingPool;
import io.cortado.internal.task.OwnedTasks;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;
import io.cortado.internal.RuntimeEvents;
import io.cortado.internal.io.IoDriver;
import io.cortado.internal.sim.SpawnHook;
import io.cortado.internal.time.TimeDriver;

import java.util.Objects;
import java.util.concurrent.Callable;

/** What both runtime flavours share: the owned-task list, the blocking pool, spawning, and the error messages. */
abstract class SchedulerBase implements Scheduler, RuntimeCore {
    static final String NESTED_BLOCK_ON = "blockOn called on a thread that is already running this runtime "
            + "(from inside a task or future): a future cannot block its own runtime. Await the future "
            + "instead, or spawn it and await its JoinHandle";
    static final String SHUTDOWN_INSIDE = "shutdown called from inside the runtime (a task or the blockOn "
            + "future): shut the runtime down after blockOn returns, from the thread that built it";
    static final String SHUTDOWN_FROM_BLOCKING = "shutdown called from spawnBlocking work of this runtime: it "
            + "would wait for itself. Shut the runtime down from the thread that built it";

    final OwnedTasks owned;
    final BlockingPool blocking;
    final TimeDriver time;
    final IoDriver io;
    /** Set once shutdown begins (by {@code shutdown} or the unhandled-exception policy); never unset. */
    volatile boolean shutdown;
    /** The task failure that shut the runtime down, if the unhandled-exception policy did. */
    volatile Throwable shutdownCause;
    /** Whether polls are timed (poll durations, busy time, schedule latency): two clock reads per poll. */
    final boolean timed;
    /** Whether each spawn records its caller's frame for dumps (a stack walk per spawn). */
    private final boolean captureSpawns;
    /** Told of every spawn on a deterministic runtime; {@code null} otherwise. */
    SpawnHook spawnHook;
    private final long clockOrigin = System.nanoTime();

    SchedulerBase(OwnedTasks owned, BlockingPool blocking, TimeDriver time, IoDriver io, boolean timed,
                  boolean captureSpawns) {
        this.owned = owned;
        this.blocking = blocking;
        this.time = time;
        this.io = io;
        this.timed = timed;
        this.captureSpawns = captureSpawns;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Task stamps (TaskCell.stamp): a coarse clock for dumps, an exact one for schedule latency

    /** @return the coarse time of {@code nanoTime}: units of 2^20 ns since the runtime started, in [1, 2^31 - 1] */
    final int coarseOf(long nanoTime) {
        return (int) (((nanoTime - clockOrigin) >>> 20) % Integer.MAX_VALUE) + 1;
    }

    /** @return the coarse time now */
    final int coarseNow() {
        return coarseOf(System.nanoTime());
    }

    /**
     * Stamps a task about to be polled on a timed runtime, and counts how long it waited since it was scheduled.
     *
     * @param t0 the poll's start ({@code System.nanoTime()})
     */
    final void stampTimed(TaskCell<?> task, WorkerStats stats, long t0) {
        int prev = task.stampPolled(coarseOf(t0));
        if ((prev & TaskCell.SCHEDULED_TAG) != 0) {
            stats.scheduled((long) (((int) (t0 >>> 10) - prev) & Integer.MAX_VALUE) << 10);
        }
    }

    @Override
    public final java.time.Duration sinceLastPoll(TaskCell<?> task) {
        int stamp = task.stampRacy();
        if (stamp <= 0) {
            return null; // never polled, or a schedule time
        }
        return java.time.Duration.ofNanos((long) Math.floorMod(coarseNow() - stamp, Integer.MAX_VALUE) << 20);
    }

    @Override
    public final TimeDriver timeDriver() {
        return time;
    }

    @Override
    public final IoDriver ioDriver() {
        return io;
    }

    /**
     * A busy thread's look at the reactor (IoDriver rule 1): unless another thread is selecting, collect ready
     * channels without blocking and wake their tasks (onto this thread's queue, if it is a worker).
     */
    final void pollIo() {
        if (io.isActive()) {
            io.pollNow();
        }
    }

    /** Binds and schedules a new task; after shutdown the task is cancelled at once (OwnedTasks rule 2). */
    @Override
    public final <T> JoinHandle<T> spawn(Future<T> future, String name, Priority priority) {
        Objects.requireNonNull(future, "future");
        SpawnHook hook = spawnHook;
        if (hook != null && name == null) {
            name = hook.name(future);
        }
        TaskCell<T> task = new TaskCell<>(hook == null ? future : hook.wrap(future), this, name, priority);
        if (captureSpawns) {
            task.spawnedAt(SpawnSite.caller());
        }
        if (!owned.bind(task, ownerSlot())) {
            task.shutdown();
            return task;
        }
        RuntimeEvents.spawned(task);
        if (hook != null) {
            hook.spawned(task);
        }
        schedule(task);
        return task;
    }

    @Override
    public final <T> JoinHandle<T> spawnBlocking(Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        return spawnBlockingTask(work);
    }

    /** Hands blocking work to the pool (a deterministic runtime runs it inline instead). */
    <T> JoinHandle<T> spawnBlockingTask(Callable<? extends T> work) {
        TaskCell<T> task = new TaskCell<>(new BlockingFuture<>(work), blocking);
        blocking.schedule(task);
        return task;
    }

    @Override
    public final void release(TaskCell<?> task) {
        owned.completed(task, ownerSlot());
    }

    /** @return the {@link OwnedTasks} owner slot the calling thread holds (its worker, or the core), or -1 */
    abstract int ownerSlot();

    @Override
    public final java.util.List<TaskCell<?>> liveTasks() {
        return owned.snapshot();
    }

    @Override
    public final int aliveTasks() {
        return owned.size();
    }

    @Override
    public final boolean isShutdown() {
        return shutdown;
    }

    /** @throws IllegalStateException if the runtime is shut down */
    final void checkRunning() {
        if (shutdown) {
            throw shutDownError(shutdownCause, false);
        }
    }

    /**
     * The error of a {@code blockOn} on a runtime that is (or just got) shut down.
     *
     * @param cause         the task failure that shut it down (unhandled policy), or {@code null}
     * @param whileBlocking whether the shutdown happened during the {@code blockOn} (its future was cancelled)
     */
    static IllegalStateException shutDownError(Throwable cause, boolean whileBlocking) {
        String what = cause != null
                ? "the runtime shut down after a task failed (unhandledException = SHUTDOWN_RUNTIME)"
                : whileBlocking ? "the runtime was shut down while blockOn was running"
                : "the runtime is shut down: build a new one to run more futures";
        return new IllegalStateException(whileBlocking ? what + "; the blockOn future was cancelled" : what, cause);
    }

    /** Runs blocking work on this thread; a checked exception is wrapped (the failure convention). */
    static <T> T callBlocking(Callable<? extends T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw Throwables.unchecked(e);
        }
    }
}
