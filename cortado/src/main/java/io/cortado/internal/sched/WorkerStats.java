package io.cortado.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One worker's counters for {@link io.cortado.RuntimeMetrics}. Written only by the worker's own thread with opaque
 * stores (no fence: a plain increment's cost), read by any thread with opaque loads: a reader sees each counter's
 * values in order, possibly slightly stale, never torn.
 */
final class WorkerStats {
    /** Histogram buckets: bucket {@code i} counts durations under 2^(i+10) ns (about 1 µs, 2 µs, 4 µs ...). */
    static final int BUCKETS = io.cortado.internal.MetricsData.BUCKETS;
    private static final VarHandle POLLS;
    private static final VarHandle STEALS;
    private static final VarHandle PARKS;
    private static final VarHandle BUSY;
    private static final VarHandle YIELDS;
    private static final VarHandle BUCKET = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            POLLS = l.findVarHandle(WorkerStats.class, "polls", long.class);
            STEALS = l.findVarHandle(WorkerStats.class, "steals", long.class);
            PARKS = l.findVarHandle(WorkerStats.class, "parks", long.class);
            BUSY = l.findVarHandle(WorkerStats.class, "busyNanos", long.class);
            YIELDS = l.findVarHandle(WorkerStats.class, "budgetYields", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Polls run (the current-thread core counts here; multi-thread workers count in their poll sequence). */
    private long polls;
    private long steals;
    private long parks;
    private long busyNanos;
    private long budgetYields;
    private final long[] pollBuckets = new long[BUCKETS];
    /** Schedule latency (wake to poll) buckets, same bounds (only when the runtime times polls). */
    private final long[] scheduleBuckets = new long[BUCKETS];

    void ran() {
        POLLS.setOpaque(this, polls + 1);
    }

    long polls() {
        return (long) POLLS.getOpaque(this);
    }

    void stole() {
        STEALS.setOpaque(this, steals + 1);
    }

    void parked() {
        PARKS.setOpaque(this, parks + 1);
    }

    void budgetYield() {
        YIELDS.setOpaque(this, budgetYields + 1);
    }

    /** Records one timed poll (only when the runtime times polls). */
    void polled(long nanos) {
        BUSY.setOpaque(this, busyNanos + nanos);
        count(pollBuckets, nanos);
    }

    /** Records one task's wait from being scheduled to being polled (only when the runtime times polls). */
    void scheduled(long nanos) {
        count(scheduleBuckets, nanos);
    }

    private static void count(long[] buckets, long nanos) {
        int b = Math.clamp(64 - Long.numberOfLeadingZeros(nanos >>> 10), 0, BUCKETS - 1);
        BUCKET.setOpaque(buckets, b, buckets[b] + 1);
    }

    long steals() {
        return (long) STEALS.getOpaque(this);
    }

    long parks() {
        return (long) PARKS.getOpaque(this);
    }

    long busyNanos() {
        return (long) BUSY.getOpaque(this);
    }

    long budgetYields() {
        return (long) YIELDS.getOpaque(this);
    }

    /** Adds this worker's poll-duration buckets into {@code polls} and its schedule-latency ones into {@code waits}. */
    void addBuckets(long[] polls, long[] waits) {
        for (int i = 0; i < BUCKETS; i++) {
            polls[i] += (long) BUCKET.getOpaque(pollBuckets, i);
            waits[i] += (long) BUCKET.getOpaque(scheduleBuckets, i);
        }
    }
}
