package io.cortado.internal;

/**
 * The raw numbers of a {@link io.cortado.RuntimeMetrics} snapshot, as a runtime flavour collects them (the public
 * class is made from this by {@link io.cortado.Handle#metrics()}).
 */
public record MetricsData(String flavor, int aliveTasks, long[] polls, long[] steals, long[] parks, long[] busyNanos,
                          long[] budgetYields, int[] localQueueDepths, int globalQueueDepth, int blockingThreads,
                          int blockingIdleThreads, int blockingInFlight, long[] pollBuckets, long[] scheduleBuckets,
                          boolean pollTiming) {
    /** Histogram buckets: bucket {@code i} counts durations under 2^(i+10) ns (about 1 µs, 2 µs, 4 µs ...). */
    public static final int BUCKETS = 24;
}
