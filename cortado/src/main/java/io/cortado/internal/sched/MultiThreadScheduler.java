package io.cortado.internal.sched;

import io.cortado.BlockedWorker;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.Priority;
import io.cortado.UnhandledExceptionPolicy;
import io.cortado.internal.RuntimeContext;
import io.cortado.internal.RuntimeThread;
import io.cortado.internal.Throwables;
import io.cortado.internal.RuntimeCore;
import io.cortado.internal.blocking.BlockingPool;
import io.cortado.internal.task.OwnedTasks;
import io.cortado.internal.task.TaskCell;
import io.cortado.internal.MetricsData;
import io.cortado.internal.RuntimeEvents;
import io.cortado.internal.io.IoDriver;
import io.cortado.internal.time.TimeDriver;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The multi-thread, work-stealing scheduler.
 *
 * <h2>Design</h2>
 * Each worker owns a bounded {@link LocalQueue} and a LIFO slot. A task woken by the task running on a worker goes
 * into that worker's LIFO slot (the message-passing case: the receiver runs next, while its data is in cache); the
 * task it displaces goes to the back of the local queue. A task woken from outside any worker goes to the global
 * {@link #inject} queue. An idle worker steals half of a random victim's queue, then looks at the inject queue,
 * then parks; {@link Idle} decides whom to wake so that an idle pool spins no core and no work is left unattended.
 * Control-plane tasks ({@link Priority#CONTROL}) go to {@link #control}, which every worker checks before any
 * other queue (bounded by a streak limit so data-plane work never starves).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>A wake on a worker thread of this runtime goes to that worker's LIFO slot (or, for a yield, to the back of
 *       its local queue); from anywhere else to {@link #inject}. A control task always goes to {@link #control}.
 *       Every push that makes work visible to other workers then calls {@link #notifyParked()} (Idle rule 1),
 *       except a LIFO task that reached the cap (rule 2) and goes to an otherwise empty local queue: this worker
 *       takes it next, and waking a thief for it would only move a sequential chain from core to core.</li>
 *   <li>The LIFO slot is not stealable by other workers (only the watchdog moves it, rule 10): it holds at most one task, which its worker runs as soon as the current
 *       poll returns, and at most {@value #MAX_LIFO_POLLS} LIFO tasks run back to back before the slot is flushed
 *       to the local queue, so two tasks ping-ponging cannot starve the rest of the queue. (Measured: see
 *       BENCHMARKS.md; a stealable slot costs an atomic exchange on every message-passing wake.)</li>
 *   <li>Every {@code globalQueueInterval} ticks a worker takes from {@link #inject} before its own queue, so remote
 *       wakes are never starved by a busy local queue.</li>
 *   <li>A worker runs a task only after leaving the searching state; if it was the last searcher it wakes another
 *       worker to search on (Idle rule 3).</li>
 *   <li>Before parking, a worker that was the last searcher re-checks every queue and wakes a worker if any holds
 *       work (Idle rule 3). A parked worker wakes only when it is no longer listed as parked (Idle rule 4) or at
 *       shutdown.</li>
 *   <li>{@code blockInPlace} hands the worker (queues, LIFO slot, index) to a new thread before the blocking call,
 *       then the old thread finishes its current poll and ends; its later wakes take the remote path.</li>
 *   <li>Timers: a worker about to park first fires due timers; one parking worker at a time parks in the
 *       time driver with the next deadline as its time-out (the others park without one), and a busy worker fires
 *       due timers every {@code eventInterval} ticks. On a paused clock, the driver worker that finds every worker
 *       parked, every {@code blockOn} caller parked (none polling its future), no queued work, no blocking work in
 *       flight, and a task or a {@code blockOn} waiting, advances the clock to the next deadline; the last worker
 *       to park, and a {@code blockOn} caller about to park, nudge the driver so it looks again.</li>
 *   <li>I/O: the worker that parks in the time driver parks in the reactor's selector ({@link IoDriver}) with the
 *       same time-out, and any unpark of it wakes the selector. When the selection reports channels, the worker
 *       unlists itself from the parked set first and then wakes their tasks, which go to its own LIFO slot and
 *       queue by rule 1 (other workers are notified as usual). A busy worker polls the reactor without blocking
 *       every {@code eventInterval} ticks if no one holds the driver; on a paused clock, ready channels are served
 *       before time is advanced.</li>
 *   <li>Shutdown: the flag stops every worker loop; every owned task is cancelled ({@link OwnedTasks#close} then
 *       {@link TaskCell#shutdown}: idle tasks on the calling thread, running ones by their worker when the poll
 *       returns); the worker threads are joined.</li>
 *   <li>A blocked worker's LIFO task. The watchdog that finds a worker inside one poll for the blocked-worker
 *       threshold takes the task out of that worker's LIFO slot (an atomic exchange, against the owner's atomic
 *       take and swap: exactly one of them gets it) and pushes it to {@link #inject}, notifying a parked worker, so
 *       a task woken just before its worker blocked runs elsewhere instead of waiting for the block to end. The task
 *       is moved, never copied: a copy would let two references consume one task's notifications, and the inject
 *       queue, which links its tasks through their own field, would then link a task twice.</li>
 * </ol>
 * Guarded by {@code MultiThreadTaskBehaviourTest} (the whole behaviour suite on 1 and 4 workers),
 * {@code MultiThreadStressTest}, {@code LocalQueueLincheckTest} and {@code MultiThreadFeaturesTest} (priority
 * classes, the watchdog, a blocked worker's LIFO task, blockInPlace).
 */
public final class MultiThreadScheduler extends SchedulerBase {
    static final int MAX_LIFO_POLLS = 3;
    /**
     * Measurement switch only ({@code -Dcortado.lifoStealable=true}): lets thieves take a victim's LIFO slot when its
     * queue is empty. Off by default; figures in BENCHMARKS.md. (The owner's accesses are atomic either way, since
     * the watchdog may move the slot's task: rule 10.)
     */
    static final boolean LIFO_STEALABLE = Boolean.getBoolean("cortado.lifoStealable");
    private static final int CONTROL_STREAK = 16;
    private static final int RUN_BATCH = 64;
    /** How long a parked worker sleeps between two idle sweeps while garbage is left. */
    private static final long TIDY_NANOS = 1_000_000L;
    /** Timers fired per call: half the local queue, so their tasks never overflow into the global queue. */
    private static final int FIRE_BATCH = LocalQueue.CAPACITY / 2;

    private final Worker[] workers;
    private final InjectQueue inject = new InjectQueue();
    private final ConcurrentLinkedQueue<TaskCell<?>> control = new ConcurrentLinkedQueue<>();
    private final LocalQueue.Overflow<TaskCell<?>> overflow = this::pushBatchToInject;
    private final Idle idle;
    private final Config config;
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    /** Parkers of threads blocked in {@code blockOn}, unparked at shutdown. */
    private final ConcurrentLinkedQueue<Parker> waiters = new ConcurrentLinkedQueue<>();
    /** {@code blockOn} callers polling their future right now (not parked): a paused clock waits for them (rule 7). */
    private final java.util.concurrent.atomic.AtomicInteger runningBlockOns = new java.util.concurrent.atomic.AtomicInteger();
    private final List<Thread> startedThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Handle handle;
    private Thread watchdog;
    private volatile Parker watchdogParker;

    /** Settings of the multi-thread scheduler. */
    public record Config(int workers, int eventInterval, int globalQueueInterval, String namePrefix, long seed,
                         Runnable onThreadStart, Runnable onThreadStop, Runnable onThreadPark,
                         Runnable onThreadUnpark, UnhandledExceptionPolicy unhandled,
                         Duration blockedThreshold, Consumer<BlockedWorker> onBlocked, boolean pollTiming,
                         boolean captureSpawnLocations) {
    }

    /** @param config the settings @param blocking the blocking pool */
    public MultiThreadScheduler(Config config, BlockingPool blocking, TimeDriver time, IoDriver io) {
        super(new OwnedTasks(config.workers(), 4 * config.workers()), blocking, time, io, config.pollTiming(),
                config.captureSpawnLocations());
        this.config = config;
        this.idle = new Idle(config.workers());
        this.workers = new Worker[config.workers()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i, config.seed() + 0x9E3779B97F4A7C15L * (i + 1));
        }
    }

    /** Binds the user-visible handle and starts the worker threads (and the watchdog). */
    public void start(Handle handle) {
        this.handle = handle;
        blocking.bindHandle(handle);
        for (Worker w : workers) {
            startWorkerThread(w);
        }
        if (!config.blockedThreshold().isZero()) {
            watchdog = Thread.ofPlatform().name(config.namePrefix() + "-watchdog").daemon(true)
                    .unstarted(this::watchdogLoop);
            watchdog.start();
        }
    }

    private void startWorkerThread(Worker w) {
        WorkerThread t = new WorkerThread(this, w, config.namePrefix() + "-worker-" + w.index
                + (w.generation == 0 ? "" : "." + w.generation));
        w.generation++;
        startedThreads.add(t);
        t.start();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scheduling (rule 1)

    private Worker currentWorker() {
        return Thread.currentThread() instanceof WorkerThread wt && wt.scheduler == this ? wt.worker : null;
    }

    @Override
    int ownerSlot() {
        Worker w = currentWorker();
        return w == null ? -1 : w.index;
    }

    @Override
    public void schedule(TaskCell<?> task) {
        enqueue(task, false);
    }

    @Override
    public void yieldTask(TaskCell<?> task) {
        enqueue(task, true);
    }

    /** Rule 1: control queue, inject queue, or this worker's LIFO slot (a wake) or queue (a yield). */
    private void enqueue(TaskCell<?> task, boolean yield) {
        if (timed) {
            task.stampScheduled(System.nanoTime());
        }
        Worker w = task.priority() == Priority.CONTROL ? null : currentWorker();
        if (w == null) {
            if (task.priority() == Priority.CONTROL) {
                control.add(task);
            } else {
                inject.push(task);
            }
        } else if (yield) {
            w.queue.push(task, overflow);
        } else {
            TaskCell<?> prev = w.swapLifo(task);
            if (prev == null) {
                return; // runs next on this worker: nothing for the others to do
            }
            w.queue.push(prev, overflow);
        }
        notifyParked();
    }

    @Override
    public void taskFailed(TaskCell<?> task, Throwable cause) {
        if (config.unhandled() == UnhandledExceptionPolicy.SHUTDOWN_RUNTIME && !shutdown) {
            // Close the task list first, so that once isShutdown() is true every later spawn is cancelled at once;
            // close() cancels the tasks left (rule 9).
            owned.close();
            shutdownCause = cause;
            shutdown = true;
            unparkAll(); // workers and blockOn threads see the flag and stop
        }
    }

    private void pushBatchToInject(Object[] items, int n) {
        inject.pushBatch(items, n);
    }

    private void notifyParked() {
        int idx = idle.workerToNotify();
        if (idx >= 0) {
            workers[idx].unpark();
        }
    }

    private boolean anyWorkPending() {
        if (!inject.isEmpty() || !control.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (!w.queue.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void unparkAll() {
        for (Worker w : workers) {
            w.unpark();
        }
        for (Parker p : waiters) {
            p.unpark();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The worker loop

    void runWorker(WorkerThread thread) {
        Worker w = thread.worker;
        w.parker = new Parker();
        w.thread = thread;
        RuntimeContext.runWith(handle, () -> {
            runHook(config.onThreadStart());
            try {
                loop(thread, w);
            } finally {
                runHook(config.onThreadStop());
                if (thread.worker != w && !shutdown) {
                    startedThreads.remove(thread); // handed its worker on (blockInPlace): nothing to join later
                }
            }
        });
    }

    private void loop(WorkerThread thread, Worker w) {
        while (!shutdown && thread.worker == w) {
            if (!runSome(thread, w)) {
                park(w);
            }
        }
    }

    /**
     * Runs up to {@value #RUN_BATCH} tasks. The worker loop is split so that the JIT compiles this as an ordinary
     * method: a loop that never returns is only ever compiled on-stack, and every deoptimisation of an on-stack
     * compilation sends the worker back to the interpreter until the next one (measured: warm-up of W1 took
     * about 25 runs instead of a few).
     *
     * @return {@code false} if no task was found (the caller parks)
     */
    private boolean runSome(WorkerThread thread, Worker w) {
        for (int i = 0; i < RUN_BATCH && !shutdown && thread.worker == w; i++) {
            if (w.tick % config.eventInterval() == 0) {
                if (time.isDue()) {
                    time.process(FIRE_BATCH); // rule 7: a busy worker fires due timers on its maintenance tick
                }
                pollIo(); // rule 8: and looks at the reactor
                w.coarse = coarseNow(); // the clock of dump stamps, refreshed here and after each park
            }
            TaskCell<?> task = nextTask(w);
            if (task == null) {
                task = steal(w);
            }
            if (task == null) {
                return false;
            }
            runTask(thread, w, task);
        }
        return true;
    }

    private TaskCell<?> nextTask(Worker w) {
        w.tick++;
        if (!control.isEmpty() && w.controlStreak < CONTROL_STREAK) {
            TaskCell<?> t = control.poll();
            if (t != null) {
                w.controlStreak++;
                return t;
            }
        }
        w.controlStreak = 0;
        if (w.tick % config.globalQueueInterval() == 0) {
            TaskCell<?> t = inject.pop();
            if (t != null) {
                return t;
            }
        }
        TaskCell<?> t = w.takeLifo();
        if (t != null) {
            return t;
        }
        t = w.queue.pop();
        if (t != null) {
            return t;
        }
        return pullFromInject(w);
    }

    /** Takes one task from inject and moves a fair share of the rest into the local queue (one lock). */
    private TaskCell<?> pullFromInject(Worker w) {
        int want = 1 + Math.min(LocalQueue.CAPACITY / 2, w.queue.remainingCapacity()) / workers.length;
        int n = inject.popBatch(w.batch, want);
        if (n == 0) {
            return null;
        }
        for (int i = 1; i < n; i++) {
            w.queue.push(w.batch[i], overflow);
            w.batch[i] = null;
        }
        TaskCell<?> first = w.batch[0];
        w.batch[0] = null;
        return first;
    }

    private TaskCell<?> steal(Worker w) {
        if (!w.searching) {
            if (!idle.transitionToSearching()) {
                return null; // enough workers search already (Idle rule 2); nextTask looked at inject
            }
            w.searching = true;
        }
        int n = workers.length;
        int start = w.nextRandom(n);
        for (int i = 0; i < n; i++) {
            Worker victim = workers[(start + i) % n];
            if (victim == w) {
                continue;
            }
            TaskCell<?> t = victim.queue.stealInto(w.queue);
            if (t == null && LIFO_STEALABLE) {
                t = victim.stealLifo();
            }
            if (t != null) {
                w.stats.stole(); // taken from another worker (RuntimeMetrics.stealCount), not from the inject queue
                return t;
            }
        }
        TaskCell<?> t = control.poll();
        return t != null ? t : pullFromInject(w);
    }

    private void runTask(WorkerThread thread, Worker w, TaskCell<?> task) {
        if (w.searching) {
            w.searching = false;
            if (idle.transitionFromSearching()) {
                notifyParked();
            }
        }
        runOne(thread, w, task);
        int lifoPolls = 0;
        while (thread.worker == w) {
            TaskCell<?> next = w.takeLifo();
            if (next == null) {
                return;
            }
            if (lifoPolls == MAX_LIFO_POLLS || shutdown) {
                boolean alone = w.queue.isEmpty();
                w.queue.push(next, overflow);
                if (!alone) {
                    notifyParked(); // rule 1: the queue holds more than the task this worker runs next
                }
                return;
            }
            lifoPolls++;
            runOne(thread, w, next);
        }
    }

    private void runOne(WorkerThread thread, Worker w, TaskCell<?> task) {
        w.beginPoll(task);
        long t0 = timed ? System.nanoTime() : 0;
        if (t0 != 0) {
            stampTimed(task, w.stats, t0);
        } else {
            task.stampPolled(w.coarse);
        }
        try {
            task.run();
            if (t0 != 0 && thread.worker == w) {
                w.stats.polled(System.nanoTime() - t0);
            }
        } catch (Throwable t) {
            Throwables.reportUncaught(t);
        } finally {
            if (thread.worker == w) { // after blockInPlace the worker belongs to another thread
                w.endPoll();
            }
        }
    }

    private void park(Worker w) {
        if (time.hasDeadline() && time.process(FIRE_BATCH) > 0) { // no timer filed: no lock to take
            return; // timers fired: their tasks are on this worker now
        }
        runHook(config.onThreadPark());
        if (w.peekLifo() != null) {
            return; // the hook woke a task onto this worker: run it instead of parking
        }
        RuntimeEvents.parked(w.index);
        w.stats.parked();
        boolean tidying = owned.sweepIdle(w.index, OwnedTasks.IDLE_SWEEP_STEPS);
        if (idle.transitionToParked(w.index, w.searching) && anyWorkPending()) {
            notifyParked();
        }
        w.searching = false;
        if (time.isPaused() && idle.allParked()) {
            time.wakeDriver(); // the last worker to park: the driver re-checks whether to advance paused time
        }
        while (!shutdown) {
            if (time.tryEnterDriver(w.parker)) {
                try {
                    if (time.isPaused() && time.hasDeadline() && idle.allParked() && !anyWorkPending()
                            && !blocking.isBusy() && runningBlockOns.get() == 0
                            && (owned.size() > 0 || !waiters.isEmpty())) {
                        // Rule 7: every worker idle on a paused clock: jump to the next deadline, unless a channel
                        // is ready. Unlist first, so the tasks the timers or events wake land on a worker that runs
                        // them.
                        if (!idle.unparkById(w.index)) {
                            w.searching = true;
                        }
                        if (io.pollNow() == 0) {
                            time.autoAdvance();
                        }
                        break;
                    }
                    long timeout = time.parkTimeoutNanos();
                    long limit = tidying ? Math.min(timeout, TIDY_NANOS) : timeout;
                    if (io.isActive()) {
                        if (io.park(w.parker, limit) > 0) { // rule 8: unlist, then wake the tasks onto this worker
                            if (!idle.unparkById(w.index)) {
                                w.searching = true;
                            }
                            io.dispatch();
                            break;
                        }
                    } else {
                        w.parker.parkNanos(limit);
                    }
                } finally {
                    time.exitDriver();
                }
            } else {
                w.parker.parkNanos(tidying ? TIDY_NANOS : Long.MAX_VALUE);
            }
            if (!idle.isParked(w.index)) {
                w.searching = true; // the notifier counted this worker as searching (Idle rule 1)
                break;
            }
            if (time.isDue()) { // a deadline passed: stop parking; the next park() fires it
                if (!idle.unparkById(w.index)) {
                    w.searching = true;
                }
                break;
            }
            if (tidying) { // idle, and completed tasks are still linked: drop some more (OwnedTasks rule 4)
                tidying = owned.sweepIdle(w.index, OwnedTasks.IDLE_DEEP_SWEEP_STEPS);
            }
        }
        if (shutdown) {
            idle.unparkById(w.index);
        }
        w.coarse = coarseNow();
        RuntimeEvents.unparked(w.index);
        runHook(config.onThreadUnpark());
    }

    private static void runHook(Runnable hook) {
        if (hook != null) {
            hook.run();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // RuntimeCore



    /** Rule 6. */
    @Override
    public <T> T blockInPlace(Callable<? extends T> work) {
        Objects.requireNonNull(work, "work");
        if (Thread.currentThread() instanceof WorkerThread wt && wt.scheduler == this && wt.worker != null
                && wt.worker.polling()) {
            Worker w = wt.worker;
            wt.worker = null; // from now on this thread's wakes take the remote path
            w.endPoll(); // the blocking call is not the new thread's poll: no watchdog report
            if (!shutdown) {
                startWorkerThread(w);
            }
        }
        return callBlocking(work);
    }

    @Override
    public <T> T blockOn(Future<T> future) {
        Objects.requireNonNull(future, "future");
        if (insideRuntime()) {
            throw new IllegalStateException(NESTED_BLOCK_ON);
        }
        checkRunning();
        return RuntimeContext.callWith(handle, () -> blockOnHere(future));
    }

    /** Whether the calling thread runs this runtime's tasks or a blockOn future (not its blocking work). */
    private boolean insideRuntime() {
        if (Thread.currentThread() instanceof WorkerThread wt && wt.scheduler == this) {
            return wt.worker != null; // a thread inside blockInPlace has handed its worker on: it may block
        }
        Handle h = handle;
        return h != null && RuntimeContext.currentOrNull() == h && !blocking.isPoolThread();
    }

    private <T> T blockOnHere(Future<T> future) {
        Parker me = new Parker();
        BlockOnContext cx = new BlockOnContext(me);
        runningBlockOns.incrementAndGet(); // rule 7: a paused clock stands still while this thread polls
        try {
            for (; ; ) {
                if (shutdown) {
                    future.cancel();
                    throw shutDownError(shutdownCause, true);
                }
                if (cx.takeWoken()) {
                    Poll<T> p = cx.poll(future);
                    if (p.isReady()) {
                        return p.value();
                    }
                    continue;
                }
                waiters.add(me);
                runningBlockOns.decrementAndGet();
                try {
                    if (time.isPaused()) {
                        time.wakeDriver(); // a paused clock may now advance for this waiter (rule 7)
                    }
                    if (!shutdown && !cx.isWoken()) {
                        me.park();
                    }
                } finally {
                    runningBlockOns.incrementAndGet();
                    waiters.remove(me);
                }
            }
        } finally {
            runningBlockOns.decrementAndGet();
            me.restoreInterrupt();
        }
    }

    /** Rule 9. */
    @Override
    public boolean shutdown(long nanos) {
        if (insideRuntime()) {
            throw new IllegalStateException(SHUTDOWN_INSIDE);
        }
        if (blocking.isPoolThread()) {
            throw new IllegalStateException(SHUTDOWN_FROM_BLOCKING);
        }
        long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
        if (shutdownStarted.compareAndSet(false, true)) {
            shutdown = true;
            unparkAll();
            List<TaskCell<?>> all = owned.close();
            RuntimeContext.runWith(handle, () -> {
                for (TaskCell<?> t : all) {
                    t.shutdown();
                }
            });
            Parker wp = watchdogParker;
            if (wp != null) {
                wp.unpark();
            }
        }
        boolean done = true;
        int joined = -1;
        while (joined != startedThreads.size()) { // a blockInPlace racing shutdown may have added a thread
            joined = startedThreads.size();
            for (Thread t : startedThreads) {
                if (t != Thread.currentThread()) {
                    done &= join(t, deadline, nanos);
                }
            }
        }
        if (watchdog != null) {
            done &= join(watchdog, deadline, nanos);
        }
        if (done) {
            inject.clear();
            control.clear();
        }
        io.shutdown(); // IoDriver rule 5: closes the runtime's sockets and its selector
        time.close("the runtime '" + blocking.namePrefix() + "'"); // TimeDriver rule 6: no timer waits forever
        blocking.shutdown();
        long left = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
        return blocking.awaitTermination(left) && done;
    }

    private static boolean join(Thread t, long deadline, long nanos) {
        boolean interrupted = false;
        try {
            while (t.isAlive()) {
                long left = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    t.join(Duration.ofNanos(Math.min(left, Duration.ofDays(1).toNanos())));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }


    @Override
    public String flavor() {
        return "multi_thread";
    }

    /** @return the number of worker threads */
    public int workerCount() {
        return workers.length;
    }

    @Override
    public void budgetExhausted(TaskCell<?> task) {
        if (Thread.currentThread() instanceof WorkerThread t && t.scheduler == this) {
            Worker w = t.worker;
            if (w != null) {
                w.stats.budgetYield();
            }
        }
    }

    @Override
    public MetricsData metrics() {
        int n = workers.length;
        long[] polls = new long[n];
        long[] steals = new long[n];
        long[] parks = new long[n];
        long[] busy = new long[n];
        long[] yields = new long[n];
        int[] depths = new int[n];
        long[] buckets = new long[WorkerStats.BUCKETS];
        long[] waits = new long[WorkerStats.BUCKETS];
        for (int i = 0; i < n; i++) {
            Worker w = workers[i];
            polls[i] = w.polls();
            steals[i] = w.stats.steals();
            parks[i] = w.stats.parks();
            busy[i] = w.stats.busyNanos();
            yields[i] = w.stats.budgetYields();
            depths[i] = w.queue.size();
            w.stats.addBuckets(buckets, waits);
        }
        return new MetricsData(flavor(), aliveTasks(), polls, steals, parks, busy, yields, depths,
                inject.depth() + control.size(), blocking.threadCount(), blocking.idleCount(), blocking.inFlight(),
                buckets, waits, timed);
    }

    /** @return the number of parked workers (a snapshot) */
    public int parkedWorkers() {
        return idle.parkedCount();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The blocked-worker watchdog

    /**
     * Samples every worker's poll sequence every {@code threshold / 2}. A worker seen inside the same poll (same odd
     * sequence number) for at least the threshold is reported once. Workers publish the sequence with opaque
     * stores, so the hot path pays no fence and no clock read.
     */
    private void watchdogLoop() {
        long threshold = config.blockedThreshold().toNanos();
        long[] seenSeq = new long[workers.length];
        long[] seenAt = new long[workers.length];
        long[] reported = new long[workers.length];
        Arrays.fill(reported, -1);
        long period = Math.max(1_000_000, threshold / 2);
        Parker parker = new Parker();
        watchdogParker = parker;
        while (!shutdown) {
            parker.parkNanos(period);
            long now = System.nanoTime();
            for (Worker w : workers) {
                int i = w.index;
                long seq = w.pollSeqOpaque();
                if ((seq & 1) == 0 || seq != seenSeq[i]) {
                    seenSeq[i] = seq; // idle, or a new poll since the last sample
                    seenAt[i] = now;
                    continue;
                }
                TaskCell<?> task = w.currentOpaque();
                Thread t = w.thread;
                if (now - seenAt[i] >= threshold && task != null && t != null) {
                    if (reported[i] != seq) {
                        reported[i] = seq;
                        report(new BlockedWorker(t.getName(), task.name(), Duration.ofNanos(now - seenAt[i]),
                                List.of(t.getStackTrace())));
                    }
                    TaskCell<?> stuck = w.stealLifo(); // rule 10: moved out, atomically against the owner
                    if (stuck != null) {
                        inject.push(stuck);
                        notifyParked();
                    }
                }
            }
        }
    }

    private void report(BlockedWorker b) {
        RuntimeEvents.blockedWorker(b.workerThread(), b.taskName(), b.blockedFor().toMillis(), b.describe());
        Consumer<BlockedWorker> hook = config.onBlocked();
        if (hook != null) {
            hook.accept(b);
        } else {
            System.getLogger("io.cortado").log(System.Logger.Level.WARNING, b.describe());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A worker: its queues and state. Fields without a note are touched only by the thread that owns it. */
    static final class Worker {
        private static final java.lang.invoke.VarHandle POLL_SEQ;
        private static final java.lang.invoke.VarHandle CURRENT;
        private static final java.lang.invoke.VarHandle LIFO;

        static {
            try {
                var l = java.lang.invoke.MethodHandles.lookup();
                POLL_SEQ = l.findVarHandle(Worker.class, "pollSeq", long.class);
                CURRENT = l.findVarHandle(Worker.class, "current", TaskCell.class);
                LIFO = l.findVarHandle(Worker.class, "lifo", TaskCell.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int index;
        final WorkerStats stats = new WorkerStats();
        final LocalQueue<TaskCell<?>> queue = new LocalQueue<>();
        /** Scratch space for taking a batch from the inject queue. */
        final TaskCell<?>[] batch = new TaskCell<?>[LocalQueue.CAPACITY / 2 + 1];
        /** The LIFO slot: atomic (through {@link #LIFO}), taken by thieves only if {@link #LIFO_STEALABLE}. */
        @SuppressWarnings("unused") // through LIFO
        private volatile TaskCell<?> lifo;
        boolean searching;
        /** The coarse clock of task stamps ({@code TaskCell.stamp}): refreshed on maintenance ticks and unparks. */
        int coarse = 1;
        int tick;
        int controlStreak;
        int generation;
        private long rng;
        /** The owning thread's parker; written before the worker can be listed as parked. */
        volatile Parker parker;
        /** Read by the watchdog. */
        volatile Thread thread;
        /** Odd while a poll runs; written with opaque stores by the owner, read opaque by the watchdog. */
        private long pollSeq;
        private TaskCell<?> current;

        Worker(int index, long seed) {
            this.index = index;
            this.rng = seed == 0 ? 1 : seed;
        }

        int nextRandom(int bound) {
            long x = rng;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            rng = x;
            return (int) Math.floorMod(x, (long) bound);
        }

        // The slot is always accessed atomically: the watchdog may move its task out (rule 10).

        TaskCell<?> takeLifo() {
            return LIFO.getOpaque(this) == null ? null : (TaskCell<?>) LIFO.getAndSet(this, null);
        }

        TaskCell<?> swapLifo(TaskCell<?> task) {
            return (TaskCell<?>) LIFO.getAndSet(this, task);
        }

        TaskCell<?> peekLifo() {
            return (TaskCell<?>) LIFO.getVolatile(this);
        }

        /** A thief (only when {@link #LIFO_STEALABLE}) or the watchdog (rule 10) takes the slot. */
        TaskCell<?> stealLifo() {
            return LIFO.getOpaque(this) == null ? null : (TaskCell<?>) LIFO.getAndSet(this, null);
        }

        void beginPoll(TaskCell<?> task) {
            CURRENT.setOpaque(this, task);
            POLL_SEQ.setOpaque(this, pollSeq + 1);
        }

        /** @return polls begun (the poll sequence counts two per poll) */
        long polls() {
            return ((long) POLL_SEQ.getOpaque(this) + 1) / 2;
        }

        void endPoll() {
            long seq = pollSeq;
            if ((seq & 1) == 1) {
                POLL_SEQ.setOpaque(this, seq + 1);
            }
            CURRENT.setOpaque(this, null);
        }

        /** @return whether the owner is inside a task poll (blockInPlace hands a worker off only then) */
        boolean polling() {
            return (pollSeq & 1) == 1;
        }

        long pollSeqOpaque() {
            return (long) POLL_SEQ.getOpaque(this);
        }

        TaskCell<?> currentOpaque() {
            return (TaskCell<?>) CURRENT.getOpaque(this);
        }

        void unpark() {
            Parker p = parker;
            if (p != null) {
                p.unpark();
            }
        }
    }

    /** A worker thread; {@link #worker} is cleared when it hands its worker on (blockInPlace). */
    static final class WorkerThread extends RuntimeThread {
        final MultiThreadScheduler scheduler;
        volatile Worker worker;

        WorkerThread(MultiThreadScheduler scheduler, Worker worker, String name) {
            super(null, name);
            this.scheduler = scheduler;
            this.worker = worker;
        }

        @Override
        public void run() {
            scheduler.runWorker(this);
        }
    }
}
