package io.cortado;

import java.time.Duration;
import java.util.Arrays;

/**
 * A snapshot of a runtime's metrics ({@link Handle#metrics()}): what its workers did since it started. Counters are
 * read without stopping the runtime, each one exact but possibly a moment stale relative to the others. Stable API
 * (Tokio still marks most of these unstable).
 *
 * <p>Poll timing ({@link #busyTime}, {@link #pollDurationHistogram()}) costs two clock reads per poll, so it is
 * collected only when the runtime was built with {@link AsyncRuntime.Builder#metricsPollTiming(boolean)}; otherwise
 * those read zero.
 */
public final class RuntimeMetrics {
    private final String flavor;
    private final int aliveTasks;
    private final long[] polls;
    private final long[] steals;
    private final long[] parks;
    private final long[] busyNanos;
    private final long[] budgetYields;
    private final int[] localQueueDepths;
    private final int blockingThreads;
    private final int blockingIdleThreads;
    private final int blockingInFlight;
    private final long[] pollBuckets;
    private final boolean pollTiming;

    /** Made by the runtime. */
    RuntimeMetrics(String flavor, int aliveTasks, long[] polls, long[] steals, long[] parks, long[] busyNanos,
                   long[] budgetYields, int[] localQueueDepths, int blockingThreads, int blockingIdleThreads,
                   int blockingInFlight, long[] pollBuckets, boolean pollTiming) {
        this.flavor = flavor;
        this.aliveTasks = aliveTasks;
        this.polls = polls;
        this.steals = steals;
        this.parks = parks;
        this.busyNanos = busyNanos;
        this.budgetYields = budgetYields;
        this.localQueueDepths = localQueueDepths;
        this.blockingThreads = blockingThreads;
        this.blockingIdleThreads = blockingIdleThreads;
        this.blockingInFlight = blockingInFlight;
        this.pollBuckets = pollBuckets;
        this.pollTiming = pollTiming;
    }

    /** @return "multi_thread" or "current_thread" */
    public String flavor() {
        return flavor;
    }

    /** @return the number of workers (1 for the current-thread runtime: the thread driving it) */
    public int workers() {
        return polls.length;
    }

    /** @return tasks spawned and not yet completed */
    public int aliveTasks() {
        return aliveTasks;
    }

    /** @return task polls run by {@code worker} */
    public long pollCount(int worker) {
        return polls[check(worker)];
    }

    /** @return task polls run by all workers */
    public long totalPolls() {
        return Arrays.stream(polls).sum();
    }

    /** @return times {@code worker} took work from another worker's queue */
    public long stealCount(int worker) {
        return steals[check(worker)];
    }

    /** @return times {@code worker} parked (ran out of work) */
    public long parkCount(int worker) {
        return parks[check(worker)];
    }

    /** @return time {@code worker} spent polling tasks (zero without poll timing) */
    public Duration busyTime(int worker) {
        return Duration.ofNanos(busyNanos[check(worker)]);
    }

    /** @return polls that hit the cooperative budget on {@code worker} (a task forced to yield) */
    public long budgetForcedYields(int worker) {
        return budgetYields[check(worker)];
    }

    /** @return tasks waiting in {@code worker}'s local queue now */
    public int localQueueDepth(int worker) {
        return localQueueDepths[check(worker)];
    }

    /** @return threads of the blocking pool, busy or idle */
    public int blockingThreads() {
        return blockingThreads;
    }

    /** @return idle threads of the blocking pool */
    public int blockingIdleThreads() {
        return blockingIdleThreads;
    }

    /** @return blocking jobs queued or running */
    public int blockingInFlight() {
        return blockingInFlight;
    }

    /** @return whether poll timing was on (see the class comment) */
    public boolean pollTiming() {
        return pollTiming;
    }

    /**
     * @return poll durations of all workers: element {@code i} counts polls shorter than
     * {@link #pollBucketUpperBound(int) pollBucketUpperBound(i)} (and not shorter than the previous bound); the last
     * bucket counts everything longer
     */
    public long[] pollDurationHistogram() {
        return pollBuckets.clone();
    }

    /** @return the upper bound of poll-duration bucket {@code i}: 2^(i+10) ns, about 1 µs, 2 µs, 4 µs, ... */
    public static Duration pollBucketUpperBound(int i) {
        return Duration.ofNanos(1L << (i + 10));
    }

    private int check(int worker) {
        if (worker < 0 || worker >= polls.length) {
            throw new IllegalArgumentException("worker : " + worker + " (expected: in [0, " + polls.length + "))");
        }
        return worker;
    }

    @Override
    public String toString() {
        return "RuntimeMetrics[" + flavor + ", workers=" + workers() + ", alive=" + aliveTasks + ", polls="
                + totalPolls() + "]";
    }
}
