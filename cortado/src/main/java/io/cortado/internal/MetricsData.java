package io.cortado.internal;

/**
 * The raw numbers of a {@link io.cortado.RuntimeMetrics} snapshot, as a runtime flavour collects them (the public
 * class is made from this by {@link io.cortado.Handle#metrics()}).
 */
public record MetricsData(String flavor, int aliveTasks, long[] polls, long[] steals, long[] parks, long[] busyNanos,
                          long[] budgetYields, int[] localQueueDepths, int blockingThreads, int blockingIdleThreads,
                          int blockingInFlight, long[] pollBuckets, boolean pollTiming) {
}
