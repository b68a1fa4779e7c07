package io.cortado.internal.sched;

import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Priority;
import io.cortado.UnhandledExceptionPolicy;
import io.cortado.internal.RuntimeContext;
import io.cortado.internal.RuntimeCore;
import io.cortado.internal.blocking.BlockingPool;
import io.cortado.internal.task.OwnedTasks;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;
import io.cortado.internal.MetricsData;
import io.cortado.internal.io.IoDriver;
import io.cortado.internal.time.TimeDriver;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current-thread scheduler: every task runs on the thread that calls {@code blockOn}, and only while it does.
 *
 * <h2>The core</h2>
 * The right to run tasks is "the core", held by at most one thread ({@link #core}). A thread in {@code blockOn}
 * takes the core if it is free; otherwise it polls its own future on its own thread and waits for the core to be
 * released. Holding the core means owning {@link #local} and running tasks; tasks therefore never run on two
 * threads at once, and a task may keep state that is not thread-safe.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>A wake on the core owner's thread pushes to {@link #local} (no synchronisation). A wake from any other
 *       thread pushes to {@link #inject} and then unparks {@link #coreParker}. The owner publishes
 *       {@code coreParker} before it first looks at {@code inject} (both volatile), so either the waker sees the
 *       parker and unparks it, or the owner sees the task (no lost wake-up).</li>
 *   <li>The owner alternates: poll the {@code blockOn} future if it was woken, then run up to
 *       {@code eventInterval} tasks, taking from {@code inject} first every {@code globalQueueInterval} ticks so
 *       remote wakes are not starved by a busy local queue. When both queues are empty and the future was not
 *       woken, it parks; any wake unparks it.</li>
 *   <li>Releasing the core clears {@code coreParker}, frees {@link #core}, then unparks every waiting thread, which
 *       re-checks the core after registering (so a release cannot slip between a waiter's check and its park).</li>
 *   <li>Timers: the core owner is the time driver. It fires due timers each round, and when it has nothing to
 *       run it parks with the next deadline as its time-out; on a paused clock with nothing queued and no
 *       blocking work in flight it advances the clock to the next deadline instead of parking.</li>
 *   <li>I/O: the core owner parks in the reactor's selector ({@link IoDriver}) with that time-out and wakes the
 *       reported channels' tasks when it returns; while busy it polls the reactor without blocking once every
 *       {@code eventInterval} tasks; on a paused clock, ready channels are served before time is advanced.</li>
 *   <li>Shutdown sets {@link #shutdown}; whoever holds the core next (the current owner, or the shutting-down thread
 *       once the core is free) cancels every owned task on its own thread ({@link OwnedTasks#close} then
 *       {@link TaskCell#shutdown}). A {@code blockOn} that sees shutdown cancels its future and throws.</li>
 * </ol>
 * Guarded by {@code CurrentThreadTaskBehaviourTest} (the {@code TaskBehaviourTest} suite),
 * {@code SchedulerStressTest} and {@code CurrentThreadWakeStressTest} (rules 1 and 2: tasks and the {@code blockOn}
 * future woken from two foreign threads while the owner parks, polls and runs; no wake lost, no concurrent poll).
 */
public final class CurrentThreadScheduler extends SchedulerBase {
    private final ArrayDeque<TaskCell<?>> local = new ArrayDeque<>();
    /**
     * Deterministic mode ({@link #simulate}): the seeded generator that picks which ready task runs next, and the
     * ready tasks it picks from (in place of {@link #local}, {@link #inject} and {@link #control}, which stay empty
     * as long as nothing is woken from another thread). {@code null} in an ordinary runtime.
     */
    private java.util.SplittableRandom simRng;
    private final java.util.ArrayList<TaskCell<?>> simReady = new java.util.ArrayList<>();
    private io.cortado.internal.sim.SimNet simNet;
    private final ConcurrentLinkedQueue<TaskCell<?>> inject = new ConcurrentLinkedQueue<>();
    /** Control-plane tasks ({@link Priority#CONTROL}): run before the others, at most 16 in a row. */
    private final ConcurrentLinkedQueue<TaskCell<?>> control = new ConcurrentLinkedQueue<>();
    private static final int CONTROL_STREAK = 16;
    private int controlStreak;
    private final WorkerStats stats = new WorkerStats();
    /** Tasks run since the reactor was last polled (rule 6); core owner only. */
    private int sinceIoPoll;
    private final AtomicReference<Thread> core = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Parker> coreWaiters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final int eventInterval;
    private final int globalQueueInterval;
    private volatile Parker coreParker;
    private volatile boolean tasksShutDown;
    private final UnhandledExceptionPolicy unhandled;
    private volatile Handle handle;
    private int tick;
    /** The coarse clock of task stamps ({@code TaskCell.stamp}); core owner only. */
    private int coarse = 1;
    /** Rounds in a row that found nothing to run: the first sweeps a little, later ones more (core owner only). */
    private int idleRounds;

    /**
     * @param eventInterval       tasks run between two polls of the {@code blockOn} future
     * @param globalQueueInterval every this many ticks the inject queue is checked first
     * @param blocking            the blocking pool
     */
    public CurrentThreadScheduler(int eventInterval, int globalQueueInterval, BlockingPool blocking,
                                  TimeDriver time, IoDriver io, UnhandledExceptionPolicy unhandled,
                                  boolean pollTiming, boolean captureSpawnLocations) {
        super(new OwnedTasks(1, 4), blocking, time, io, pollTiming, captureSpawnLocations);
        this.unhandled = unhandled;
        this.eventInterval = eventInterval;
        this.globalQueueInterval = globalQueueInterval;
    }

    /** @param handle the handle users see; bound as the ambient runtime while this scheduler drives a thread */
    public void bindHandle(Handle handle) {
        this.handle = handle;
        blocking.bindHandle(handle);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scheduler (rule 1)

    @Override
    public void schedule(TaskCell<?> task) {
        if (tasksShutDown) {
            return; // every task is complete after shutdown (rule 6); nothing to run, nothing to keep
        }
        if (timed) {
            task.stampScheduled(System.nanoTime());
        }
        if (simRng != null && core.get() == Thread.currentThread()) {
            simReady.add(task); // deterministic mode: every ready task is a candidate, whatever its class
        } else if (task.priority() == Priority.CONTROL) {
            control.add(task);
            if (core.get() != Thread.currentThread()) {
                Parker p = coreParker;
                if (p != null) {
                    p.unpark();
                }
            }
        } else if (core.get() == Thread.currentThread()) {
            local.addLast(task);
        } else {
            inject.add(task);
            Parker p = coreParker;
            if (p != null) {
                p.unpark();
            }
        }
    }

    /**
     * Turns this runtime deterministic before it is used (see {@link io.cortado.internal.sim.SimConfig}): the next
     * task is picked by a generator seeded with {@code config.seed()}, blocking work runs inline on the core's
     * thread, and sockets come from the simulated network.
     */
    public void simulate(io.cortado.internal.sim.SimConfig config) {
        simRng = new java.util.SplittableRandom(config.seed());
        simNet = config.net();
        spawnHook = config.spawnHook();
    }

    @Override
    public io.cortado.internal.sim.SimNet simNet() {
        return simNet;
    }

    @Override
    public java.util.random.RandomGenerator random() {
        return simRng;
    }

    @Override
    <T> JoinHandle<T> spawnBlockingTask(Callable<? extends T> work) {
        if (simRng == null) {
            return super.spawnBlockingTask(work);
        }
        // Deterministic mode: blocking work is an ordinary task polled on the core's thread, in its seeded turn.
        TaskCell<T> task = new TaskCell<>(new io.cortado.internal.blocking.BlockingFuture<>(work), this);
        schedule(task);
        return task;
    }

    /** The core is the only owner slot: its holder runs (and completes) every task. */
    @Override
    int ownerSlot() {
        return core.get() == Thread.currentThread() ? 0 : -1;
    }

    @Override
    public void yieldTask(TaskCell<?> task) {
        schedule(task);
    }


    @Override
    public void taskFailed(TaskCell<?> task, Throwable cause) {
        if (unhandled == UnhandledExceptionPolicy.SHUTDOWN_RUNTIME && !shutdown) {
            shutdownCause = cause;
            shutdown = true; // the core owner sees it after this poll and shuts the tasks down (rule 6)
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RuntimeCore



    @Override
    public <T> T blockInPlace(Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        if (core.get() == Thread.currentThread()) {
            throw new IllegalStateException("Task.blockInPlace cannot be used on the current-thread runtime: "
                    + "blocking its only thread would stop every task. Use Task.spawnBlocking(work) and await "
                    + "the handle, or build a multi-thread runtime");
        }
        return callBlocking(work);
    }

    @Override
    public <T> T blockOn(Future<T> future) {
        Objects.requireNonNull(future, "future");
        if (core.get() == Thread.currentThread()) {
            throw new IllegalStateException(NESTED_BLOCK_ON);
        }
        checkRunning();
        return RuntimeContext.callWith(handle, () -> blockOnHere(future));
    }

    private <T> T blockOnHere(Future<T> future) {
        Parker me = new Parker();
        BlockOnContext cx = new BlockOnContext(me);
        try {
            for (; ; ) {
                if (shutdown) {
                    future.cancel();
                    throw shutDownError(shutdownCause, true);
                }
                if (core.compareAndSet(null, Thread.currentThread())) {
                    try {
                        return drive(future, cx, me);
                    } finally {
                        releaseCore();
                    }
                }
                coreWaiters.add(me);
                try {
                    if (core.get() == null || shutdown) {
                        continue;
                    }
                    if (cx.takeWoken()) {
                        Poll<T> p = cx.poll(future);
                        if (p.isReady()) {
                            return p.value();
                        }
                    } else {
                        me.park();
                    }
                } finally {
                    coreWaiters.remove(me);
                }
            }
        } finally {
            me.restoreInterrupt();
        }
    }

    /** The core owner's loop (rule 2). Returns the future's value, or throws its failure. */
    private <T> T drive(Future<T> future, BlockOnContext cx, Parker me) {
        coreParker = me;
        for (; ; ) {
            if (shutdown) {
                shutdownTasks();
                future.cancel();
                throw shutDownError(shutdownCause, true);
            }
            if (cx.takeWoken()) {
                Poll<T> p = cx.poll(future);
                if (p.isReady()) {
                    return p.value();
                }
                sinceIoPoll++; // a blockOn future that keeps waking itself must not keep the reactor unpolled
            }
            if (time.isDue()) {
                time.process(eventInterval);
            }
            if (sinceIoPoll >= eventInterval || sinceIoPoll > 0 && localEmpty() && inject.isEmpty()) {
                sinceIoPoll = 0;
                pollIo(); // rule 5: a busy core still serves ready channels
                coarse = coarseNow(); // the clock of dump stamps, refreshed here and after each park
            }
            int ran = 0;
            TaskCell<?> task;
            while (ran < eventInterval && (task = nextTask()) != null) {
                long t0 = timed ? System.nanoTime() : 0;
                if (t0 != 0) {
                    stampTimed(task, stats, t0);
                } else {
                    task.stampPolled(coarse);
                }
                task.run();
                if (t0 != 0) {
                    stats.polled(System.nanoTime() - t0);
                }
                stats.ran();
                ran++;
            }
            if (ran > 0) {
                idleRounds = 0;
                sinceIoPoll += ran;
            }
            if (ran == 0 && !cx.isWoken() && !shutdown) {
                if (time.hasDeadline() && time.process(eventInterval) > 0) { // no timer filed: no lock to take
                    continue; // timers fired: their tasks are queued here
                }
                if (time.isPaused() && time.hasDeadline() && inject.isEmpty() && control.isEmpty()
                        && !blocking.isBusy()) {
                    pollIo();
                    if (localEmpty() && !cx.isWoken()) {
                        time.autoAdvance(); // rule 4: nothing to do on a paused clock: jump to the next deadline
                    }
                    continue;
                }
                stats.parked();
                boolean tidying = owned.sweepIdle(0, idleRounds++ == 0
                        ? OwnedTasks.IDLE_SWEEP_STEPS : OwnedTasks.IDLE_DEEP_SWEEP_STEPS);
                long tidy = tidying ? 1_000_000L : Long.MAX_VALUE; // come back to sweep more (OwnedTasks rule 4)
                if (time.tryEnterDriver(me)) {
                    try {
                        if (!cx.isWoken() && inject.isEmpty() && control.isEmpty()) {
                            if (io.park(me, Math.min(time.parkTimeoutNanos(), tidy)) > 0) {
                                io.dispatch(); // rule 5
                            }
                        }
                    } finally {
                        time.exitDriver();
                    }
                } else {
                    me.parkNanos(tidy);
                }
                coarse = coarseNow();
                continue;
            }
        }
    }

    private boolean localEmpty() {
        return local.isEmpty() && simReady.isEmpty();
    }

    private TaskCell<?> nextTask() {
        if (simRng != null) {
            TaskCell<?> t;
            while ((t = inject.poll()) != null || (t = control.poll()) != null || (t = local.pollFirst()) != null) {
                simReady.add(t); // woken from another thread (not expected in a simulation): still a candidate
            }
            int n = simReady.size();
            if (n == 0) {
                return null;
            }
            int i = simRng.nextInt(n); // the seeded choice: which ready task runs next
            t = simReady.get(i);
            simReady.set(i, simReady.get(n - 1));
            simReady.remove(n - 1);
            return t;
        }
        if (!control.isEmpty() && controlStreak < CONTROL_STREAK) {
            TaskCell<?> t = control.poll();
            if (t != null) {
                controlStreak++;
                return t;
            }
        }
        controlStreak = 0;
        if (++tick % globalQueueInterval == 0) {
            TaskCell<?> t = inject.poll();
            if (t != null) {
                return t;
            }
        }
        TaskCell<?> t = local.pollFirst();
        if (t == null) {
            t = inject.poll();
        }
        return t != null ? t : control.poll(); // a control task held back by the streak cap still runs
    }

    @Override
    public void budgetExhausted(TaskCell<?> task) {
        if (core.get() == Thread.currentThread()) {
            stats.budgetYield();
        }
    }

    @Override
    public MetricsData metrics() {
        long[] buckets = new long[WorkerStats.BUCKETS];
        long[] waits = new long[WorkerStats.BUCKETS];
        stats.addBuckets(buckets, waits);
        return new MetricsData(flavor(), aliveTasks(), new long[]{stats.polls()}, new long[1],
                new long[]{stats.parks()}, new long[]{stats.busyNanos()}, new long[]{stats.budgetYields()},
                new int[]{local.size() + simReady.size()}, inject.size() + control.size(), blocking.threadCount(),
                blocking.idleCount(), blocking.inFlight(), buckets, waits, timed);
    }

    /** Rule 3. */
    private void releaseCore() {
        coreParker = null;
        core.set(null);
        for (Parker p : coreWaiters) {
            p.unpark();
        }
    }

    /** Rule 6: run by the core owner. */
    private void shutdownTasks() {
        if (tasksShutDown) {
            return;
        }
        List<TaskCell<?>> all = owned.close();
        // cancel() runs with the runtime bound, as a task's polls do, so it may use Handle.current()
        RuntimeContext.runWith(handle, () -> {
            for (TaskCell<?> t : all) {
                t.shutdown();
            }
        });
        local.clear();
        simReady.clear();
        inject.clear();
        control.clear();
        tasksShutDown = true;
        for (Parker p : coreWaiters) {
            p.unpark();
        }
    }

    @Override
    public boolean shutdown(long nanos) {
        if (core.get() == Thread.currentThread()) {
            throw new IllegalStateException(SHUTDOWN_INSIDE);
        }
        if (blocking.isPoolThread()) {
            throw new IllegalStateException(SHUTDOWN_FROM_BLOCKING);
        }
        long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
        if (shutdownStarted.compareAndSet(false, true)) {
            shutdown = true;
            Parker p = coreParker;
            if (p != null) {
                p.unpark();
            }
            for (Parker w : coreWaiters) {
                w.unpark();
            }
        }
        Parker me = new Parker();
        try {
            while (!tasksShutDown) {
                if (core.compareAndSet(null, Thread.currentThread())) {
                    try {
                        shutdownTasks();
                    } finally {
                        releaseCore();
                    }
                    break;
                }
                coreWaiters.add(me);
                try {
                    if (tasksShutDown || core.get() == null) {
                        continue;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || nanos == 0) {
                        break;
                    }
                    me.parkNanos(left);
                } finally {
                    coreWaiters.remove(me);
                }
            }
        } finally {
            me.restoreInterrupt();
        }
        io.shutdown(); // IoDriver rule 5: closes the runtime's sockets and its selector
        time.close("the runtime '" + blocking.namePrefix() + "'"); // TimeDriver rule 6: no timer waits forever
        blocking.shutdown();
        long left = Math.max(0, deadline - System.nanoTime());
        boolean blockingDone = blocking.awaitTermination(nanos == Long.MAX_VALUE ? Long.MAX_VALUE : left);
        return tasksShutDown && blockingDone;
    }


    @Override
    public String flavor() {
        return "current_thread";
    }

    // ---------------------------------------------------------------------------------------------------------
}
