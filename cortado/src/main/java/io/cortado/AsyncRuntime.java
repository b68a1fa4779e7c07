package io.cortado;

import io.cortado.internal.Checks;
import io.cortado.internal.RuntimeCore;
import io.cortado.internal.blocking.BlockingPool;
import io.cortado.internal.io.IoDriver;
import io.cortado.internal.time.TimeDriver;
import io.cortado.internal.sched.CurrentThreadScheduler;
import io.cortado.internal.sched.MultiThreadScheduler;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A Cortado runtime: a scheduler that polls tasks, a blocking pool, and (in later versions) the I/O and timer
 * drivers. Build one with {@link #builder()}, or run a whole program with {@link #run(Future)}.
 *
 * <pre>{@code
 * try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
 *     int sum = rt.blockOn(Futures.join(Task.spawn(a), Task.spawn(b)).map(p -> p.first() + p.second()));
 * }
 * }</pre>
 *
 * <h2>Flavours</h2>
 * {@link Builder#multiThread()} (the default, and what {@link #run} uses): a work-stealing pool of worker threads.
 * {@link Builder#currentThread()}: every task runs on the thread that calls {@link #blockOn}, only while it does.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(Duration)} cancels every task (running each future's {@link Future#cancel()}), cancels blocking
 * work that has not started, waits up to the timeout for blocking work that has, and stops every thread;
 * {@link #close()} does the same and waits as long as blocking work runs (as Tokio's runtime drop does).
 *
 * <h2>The global runtime</h2>
 * {@link #global()} is a multi-thread runtime for library code that needs one without owning one (the seed's
 * "singleton runtime"): started on first use, with daemon threads named {@code cortado-global-*}, never shut down
 * (it lives as long as the process). It is configured once, before its first use, by system properties read at
 * that moment — {@code cortado.workers}, {@code cortado.maxBlockingThreads}, {@code cortado.eventInterval},
 * {@code cortado.globalQueueInterval} — and then by {@link #configureGlobal}; configuring it after it started is
 * an error that says where it was started.
 */
public final class AsyncRuntime implements AutoCloseable {
    private static final Object GLOBAL_LOCK = new Object();
    private static volatile AsyncRuntime global;
    /** Under GLOBAL_LOCK. */
    private static java.util.function.Consumer<? super Builder> globalConfig;
    /** Where the global runtime was started (for the error of a late configuration). Under GLOBAL_LOCK. */
    private static Throwable globalStartedAt;

    private final RuntimeCore core;
    private final Handle handle;
    private volatile boolean isGlobal;

    static {
        io.cortado.internal.sim.SimRuntimes.install(config -> {
            TimeDriver time = new TimeDriver(true);
            CurrentThreadScheduler scheduler = new CurrentThreadScheduler(61, 31,
                    new BlockingPool(1, Duration.ofSeconds(1).toNanos(), config.namePrefix()), time,
                    new IoDriver(time), UnhandledExceptionPolicy.IGNORE, false, false);
            scheduler.simulate(config);
            AsyncRuntime rt = new AsyncRuntime(scheduler);
            scheduler.bindHandle(rt.handle);
            return rt;
        });
    }

    private AsyncRuntime(RuntimeCore core) {
        this.core = core;
        this.handle = new Handle(core);
    }

    /**
     * The global runtime, started on first use (see the class comment): multi-thread, daemon threads, never shut
     * down. Library code that needs a runtime without owning one uses it, e.g. {@code AsyncRuntime.global().spawn(f)}
     * or {@code AsyncRuntime.global().handle()}.
     *
     * @return the global runtime
     * @throws IllegalArgumentException if a {@code cortado.*} system property has a bad value (at first use)
     */
    public static AsyncRuntime global() {
        AsyncRuntime g = global;
        if (g != null) {
            return g;
        }
        synchronized (GLOBAL_LOCK) {
            if (global == null) {
                Builder b = builder().multiThread().threadNamePrefix("cortado-global");
                intProperty("cortado.workers", b::workerThreads);
                intProperty("cortado.maxBlockingThreads", b::maxBlockingThreads);
                intProperty("cortado.eventInterval", b::eventInterval);
                intProperty("cortado.globalQueueInterval", b::globalQueueInterval);
                if (globalConfig != null) {
                    globalConfig.accept(b);
                }
                AsyncRuntime rt = b.build();
                rt.isGlobal = true;
                globalStartedAt = new Throwable("the global runtime was started here, on thread "
                        + Thread.currentThread().getName());
                global = rt;
            }
            return global;
        }
    }

    private static void intProperty(String name, java.util.function.IntConsumer set) {
        String v = System.getProperty(name);
        if (v == null) {
            return;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + name + " : \"" + v + "\" (expected: an integer)");
        }
        try {
            set.accept(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("system property " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Configures the global runtime, once, before its first use; applied after the system properties.
     *
     * @param config adjusts the builder (its flavour stays multi-thread and its threads daemon threads)
     * @throws IllegalStateException if the global runtime has started already (the message says where), or was
     *                               configured already
     */
    public static void configureGlobal(java.util.function.Consumer<? super Builder> config) {
        Objects.requireNonNull(config, "config");
        synchronized (GLOBAL_LOCK) {
            if (global != null) {
                throw new IllegalStateException("the global runtime has already started, so it can no longer be "
                        + "configured: call AsyncRuntime.configureGlobal (or set the cortado.* system properties) "
                        + "before its first use. Its start is the cause of this exception", globalStartedAt);
            }
            if (globalConfig != null) {
                throw new IllegalStateException("the global runtime is configured already: configureGlobal may be "
                        + "called once");
            }
            globalConfig = config;
        }
    }

    /** @return a builder (the default flavour is multi-thread) */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The one-line {@code main}: builds the default runtime, drives {@code future} to completion, shuts the runtime
     * down, and returns the value (or rethrows the failure).
     *
     * @param future the program
     * @param <T>    its value type
     * @return the value
     */
    public static <T> T run(Future<T> future) {
        Objects.requireNonNull(future, "future");
        try (AsyncRuntime rt = builder().build()) {
            return rt.blockOn(future);
        }
    }

    /**
     * Drives {@code future} to completion on the calling thread and returns its value, or rethrows what its poll
     * threw.
     *
     * @param future the future
     * @param <T>    its value type
     * @return the value
     * @throws IllegalStateException if called from inside this runtime, or after shutdown
     */
    public <T> T blockOn(Future<T> future) {
        return handle.blockOn(future);
    }

    /**
     * Spawns a task onto this runtime (see {@link Handle#spawn}).
     *
     * @param future the task's future
     * @param <T>    output type
     * @return its join handle
     */
    public <T> JoinHandle<T> spawn(Future<T> future) {
        return handle.spawn(future);
    }

    /** @return a handle to this runtime, usable from any thread */
    public Handle handle() {
        return handle;
    }

    /**
     * Cancels every task, stops blocking threads, and waits up to {@code timeout} for all of it.
     *
     * @param timeout the most to wait; zero means do not wait
     * @return {@code true} if everything stopped within the timeout
     * @throws IllegalStateException if called from inside this runtime, or on the {@linkplain #global() global} runtime
     */
    public boolean shutdown(Duration timeout) {
        Checks.checkNotNegative(timeout, "timeout");
        checkNotGlobal();
        return core.shutdown(Checks.saturatedNanos(timeout));
    }

    /** Shuts down without waiting for blocking work to finish (not on the {@linkplain #global() global} runtime). */
    public void shutdownBackground() {
        checkNotGlobal();
        core.shutdown(0);
    }

    /** @return whether shutdown has begun */
    public boolean isShutdown() {
        return core.isShutdown();
    }

    /** Shuts down and waits until every thread has stopped (not on the {@linkplain #global() global} runtime). */
    @Override
    public void close() {
        checkNotGlobal();
        core.shutdown(Long.MAX_VALUE);
    }

    private void checkNotGlobal() {
        if (isGlobal) {
            throw new IllegalStateException("the global runtime cannot be shut down: it lives as long as the process "
                    + "(its threads are daemon threads). Build your own runtime to control its lifetime");
        }
    }

    @Override
    public String toString() {
        return "AsyncRuntime[" + core.flavor() + ", tasks=" + core.aliveTasks() + "]";
    }

    /**
     * Configures and builds an {@link AsyncRuntime}. The default flavour is multi-thread. Every setter validates
     * its argument at once ({@code IllegalArgumentException} naming the parameter and the expected range).
     */
    public static final class Builder {
        private boolean multiThread = true;
        private boolean startPaused;
        private int workerThreads = Runtime.getRuntime().availableProcessors();
        private String threadNamePrefix = "cortado";
        private boolean metricsPollTiming;
        private boolean captureSpawnLocations;
        private int maxBlockingThreads = 512;
        private Duration threadKeepAlive = Duration.ofSeconds(10);
        private int eventInterval = 61;
        private int globalQueueInterval = 31;
        private long seed = System.nanoTime();
        private Runnable onThreadStart;
        private Runnable onThreadStop;
        private Runnable onThreadPark;
        private Runnable onThreadUnpark;
        private UnhandledExceptionPolicy unhandled = UnhandledExceptionPolicy.IGNORE;
        private Duration blockedWorkerThreshold = Duration.ofMillis(100);
        private Consumer<BlockedWorker> onBlockedWorker;

        private Builder() {
        }

        /** Selects the current-thread flavour: tasks run on the thread that calls {@code blockOn}, only then. */
        public Builder currentThread() {
            this.multiThread = false;
            return this;
        }

        /** Selects the multi-thread, work-stealing flavour (the default). */
        public Builder multiThread() {
            this.multiThread = true;
            return this;
        }

        /**
         * @param n worker threads of the multi-thread flavour (default: available processors)
         * @return this builder
         */
        public Builder workerThreads(int n) {
            this.workerThreads = Checks.checkInRange(n, 1, 32_767, "workerThreads");
            return this;
        }

        /**
         * @param prefix the prefix of every thread the runtime starts (default {@code "cortado"})
         * @return this builder
         */
        public Builder threadNamePrefix(String prefix) {
            Objects.requireNonNull(prefix, "threadNamePrefix");
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("threadNamePrefix : \"" + prefix + "\" (expected: not blank)");
            }
            this.threadNamePrefix = prefix;
            return this;
        }

        /**
         * @param n the most threads the blocking pool starts (default 512)
         * @return this builder
         */
        public Builder maxBlockingThreads(int n) {
            this.maxBlockingThreads = Checks.checkPositive(n, "maxBlockingThreads");
            return this;
        }

        /**
         * @param keepAlive how long an idle blocking thread waits for work before it exits (default 10 s)
         * @return this builder
         */
        public Builder threadKeepAlive(Duration keepAlive) {
            this.threadKeepAlive = Checks.checkPositive(keepAlive, "threadKeepAlive");
            return this;
        }

        /**
         * @param n how many tasks run between two checks for external events and the {@code blockOn} future
         *          (default 61)
         * @return this builder
         */
        public Builder eventInterval(int n) {
            this.eventInterval = Checks.checkPositive(n, "eventInterval");
            return this;
        }

        /**
         * @param n every how many scheduler ticks the queue of tasks woken from other threads is checked first
         *          (default 31)
         * @return this builder
         */
        public Builder globalQueueInterval(int n) {
            this.globalQueueInterval = Checks.checkPositive(n, "globalQueueInterval");
            return this;
        }

        /**
         * @param seed the seed of every random choice the scheduler makes (steal victims); default: time-based
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param hook run on each worker thread when it starts @return this builder */
        public Builder onThreadStart(Runnable hook) {
            this.onThreadStart = Objects.requireNonNull(hook, "onThreadStart");
            return this;
        }

        /** @param hook run on each worker thread before it stops @return this builder */
        public Builder onThreadStop(Runnable hook) {
            this.onThreadStop = Objects.requireNonNull(hook, "onThreadStop");
            return this;
        }

        /** @param hook run on a worker thread before it parks (nothing to do) @return this builder */
        public Builder onThreadPark(Runnable hook) {
            this.onThreadPark = Objects.requireNonNull(hook, "onThreadPark");
            return this;
        }

        /** @param hook run on a worker thread after it unparks @return this builder */
        public Builder onThreadUnpark(Runnable hook) {
            this.onThreadUnpark = Objects.requireNonNull(hook, "onThreadUnpark");
            return this;
        }

        /**
         * @param policy what happens when a task fails, besides its join handle learning it (default IGNORE)
         * @return this builder
         */
        public Builder unhandledException(UnhandledExceptionPolicy policy) {
            this.unhandled = Objects.requireNonNull(policy, "unhandledException");
            return this;
        }

        /**
         * @param threshold a worker inside one poll for longer than this is reported once by the watchdog
         *                  (default 100 ms; zero turns the watchdog off). Multi-thread flavour.
         * @return this builder
         */
        public Builder blockedWorkerThreshold(Duration threshold) {
            this.blockedWorkerThreshold = Checks.checkNotNegative(threshold, "blockedWorkerThreshold");
            return this;
        }

        /**
         * @param hook receives the watchdog's reports (default: a WARNING on the {@code io.cortado}
         *             {@link System.Logger})
         * @return this builder
         */
        public Builder onBlockedWorker(Consumer<BlockedWorker> hook) {
            this.onBlockedWorker = Objects.requireNonNull(hook, "onBlockedWorker");
            return this;
        }

        /**
         * @param paused whether the runtime's {@link io.cortado.time.Clock} starts paused: time then moves only when
         *               advanced, by hand or automatically whenever every task waits (for tests; default false)
         * @return this builder
         */
        public Builder startPaused(boolean paused) {
            this.startPaused = paused;
            return this;
        }

        /**
         * @param on whether to time every poll for {@link RuntimeMetrics#busyTime},
         *           {@link RuntimeMetrics#pollDurationHistogram()} and {@link RuntimeMetrics#scheduleLatencyHistogram()}
         *           (two clock reads per poll and one per wake; default false)
         * @return this builder
         */
        public Builder metricsPollTiming(boolean on) {
            this.metricsPollTiming = on;
            return this;
        }

        /**
         * @param on whether each spawn records the line that spawned the task, for {@link Handle#dump()} (a stack walk
         *           per spawn, a few microseconds: for debugging, like Kotlin's creation stack traces; default false)
         * @return this builder
         */
        public Builder captureSpawnLocations(boolean on) {
            this.captureSpawnLocations = on;
            return this;
        }

        /** @return a new, running runtime */
        public AsyncRuntime build() {
            BlockingPool blocking = new BlockingPool(maxBlockingThreads, Checks.saturatedNanos(threadKeepAlive),
                    threadNamePrefix);
            TimeDriver time = new TimeDriver(startPaused);
            IoDriver io = new IoDriver(time);
            if (!multiThread) {
                CurrentThreadScheduler scheduler = new CurrentThreadScheduler(eventInterval, globalQueueInterval,
                        blocking, time, io, unhandled, metricsPollTiming, captureSpawnLocations);
                AsyncRuntime rt = new AsyncRuntime(scheduler);
                scheduler.bindHandle(rt.handle);
                return rt;
            }
            MultiThreadScheduler scheduler = new MultiThreadScheduler(new MultiThreadScheduler.Config(
                    workerThreads, eventInterval, globalQueueInterval, threadNamePrefix, seed, onThreadStart,
                    onThreadStop, onThreadPark, onThreadUnpark, unhandled, blockedWorkerThreshold, onBlockedWorker,
                    metricsPollTiming, captureSpawnLocations),
                    blocking, time, io);
            AsyncRuntime rt = new AsyncRuntime(scheduler);
            scheduler.start(rt.handle);
            return rt;
        }
    }
}
