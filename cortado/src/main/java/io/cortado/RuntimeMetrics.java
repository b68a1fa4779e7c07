package io.cortado;

import io.cortado.internal.MetricsData;

import java.time.Duration;
import java.util.Arrays;

/**
 * A snapshot of a runtime's metrics ({@link Handle#metrics()}): what its workers did since it started. Counters are
 * read without stopping the runtime, each one exact but possibly a moment stale relative to the others. Stable API
 * (Tokio still marks most of these unstable).
 *
 * <p>Poll timing ({@link #busyTime}, {@link #pollDurationHistogram()}, {@link #scheduleLatencyHistogram()}) costs
 * two clock reads per poll and one per wake, so it is collected only when the runtime was built with {@link AsyncRuntime.Builder#metricsPollTiming(boolean)}; otherwise
 * those read zero.
 */
public final class RuntimeMetrics {
    private static final int BUCKETS = MetricsData.BUCKETS;
    private final MetricsData d;

    /** Made by {@link Handle#metrics()} from the runtime's raw numbers. */
    RuntimeMetrics(MetricsData data) {
        this.d = data;
    }

    /** @return "multi_thread" or "current_thread" */
    public String flavor() {
        return d.flavor();
    }

    /** @return the number of workers (1 for the current-thread runtime: the thread driving it) */
    public int workers() {
        return d.polls().length;
    }

    /** @return tasks spawned and not yet completed */
    public int aliveTasks() {
        return d.aliveTasks();
    }

    /** @return task polls run by {@code worker} */
    public long pollCount(int worker) {
        return d.polls()[check(worker)];
    }

    /** @return task polls run by all workers */
    public long totalPolls() {
        return Arrays.stream(d.polls()).sum();
    }

    /** @return times {@code worker} took work from another worker's queue */
    public long stealCount(int worker) {
        return d.steals()[check(worker)];
    }

    /** @return times {@code worker} parked (ran out of work) */
    public long parkCount(int worker) {
        return d.parks()[check(worker)];
    }

    /** @return time {@code worker} spent polling tasks (zero without poll timing) */
    public Duration busyTime(int worker) {
        return Duration.ofNanos(d.busyNanos()[check(worker)]);
    }

    /** @return polls that hit the cooperative budget on {@code worker} (a task forced to yield) */
    public long budgetForcedYields(int worker) {
        return d.budgetYields()[check(worker)];
    }

    /** @return tasks waiting in {@code worker}'s local queue now */
    public int localQueueDepth(int worker) {
        return d.localQueueDepths()[check(worker)];
    }

    /**
     * @return tasks waiting in the runtime's shared queues now: the global (inject) queue, where tasks woken or
     * spawned off the workers land, and the control-plane queue
     */
    public int globalQueueDepth() {
        return d.globalQueueDepth();
    }

    /** @return threads of the blocking pool, busy or idle */
    public int blockingThreads() {
        return d.blockingThreads();
    }

    /** @return idle threads of the blocking pool */
    public int blockingIdleThreads() {
        return d.blockingIdleThreads();
    }

    /** @return blocking jobs queued or running */
    public int blockingInFlight() {
        return d.blockingInFlight();
    }

    /** @return whether poll timing was on (see the class comment) */
    public boolean pollTiming() {
        return d.pollTiming();
    }

    /**
     * @return poll durations of all workers: element {@code i} counts polls shorter than
     * {@link #bucketUpperBound(int) bucketUpperBound(i)} (and not shorter than the previous bound); the last bucket
     * counts everything longer (zero without poll timing)
     */
    public long[] pollDurationHistogram() {
        return d.pollBuckets().clone();
    }

    /**
     * @return schedule latency of all workers, in the same buckets: how long each polled task waited from being
     * scheduled (spawned, woken, or re-queued after a yield) to its poll beginning (zero without poll timing)
     */
    public long[] scheduleLatencyHistogram() {
        return d.scheduleBuckets().clone();
    }

    /**
     * @param i a bucket index, in [0, {@link #pollDurationHistogram()}.length)
     * @return the upper bound of histogram bucket {@code i}: 2^(i+10) ns, about 1 µs, 2 µs, 4 µs, ...
     */
    public static Duration bucketUpperBound(int i) {
        if (i < 0 || i >= BUCKETS) {
            throw new IllegalArgumentException("i : " + i + " (expected: in [0, " + BUCKETS + "))");
        }
        return Duration.ofNanos(1L << (i + 10));
    }

    private int check(int worker) {
        if (worker < 0 || worker >= d.polls().length) {
            throw new IllegalArgumentException("worker : " + worker + " (expected: in [0, " + d.polls().length + "))");
        }
        return worker;
    }

    @Override
    public String toString() {
        return "RuntimeMetrics[" + d.flavor() + ", workers=" + workers() + ", alive=" + d.aliveTasks() + ", polls="
                + totalPolls() + "]";
    }
}
