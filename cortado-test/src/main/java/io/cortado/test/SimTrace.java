package io.cortado.test;

import java.util.ArrayList;
import java.util.List;

/**
 * What a simulation did, in order: every task poll and every network event, with the simulated time. Kept as a
 * running 64-bit hash and a count (two runs of one seed are the same run when both match) plus the last
 * {@value #TAIL} entries for reports.
 */
final class SimTrace {
    static final int TAIL = 64;

    private long hash = 0xcbf29ce484222325L;
    private long count;
    private final long[] times = new long[TAIL];
    private final String[] kinds = new String[TAIL];
    private final long[] as = new long[TAIL];
    private final long[] bs = new long[TAIL];

    void record(long nanos, String kind, long a, long b) {
        hash = mix(mix(mix(mix(hash, nanos), kind.hashCode()), a), b);
        int i = (int) (count % TAIL);
        times[i] = nanos;
        kinds[i] = kind;
        as[i] = a;
        bs[i] = b;
        count++;
    }

    private static long mix(long h, long v) {
        h ^= v;
        h *= 0x100000001b3L;
        return h ^ (h >>> 29);
    }

    /** @return the time of the last event */
    long lastNanos() {
        return count == 0 ? 0 : times[(int) ((count - 1) % TAIL)];
    }

    long hash() {
        return hash;
    }

    long count() {
        return count;
    }

    /** @return the last entries, oldest first, one per line */
    List<String> tail() {
        List<String> out = new ArrayList<>();
        for (long k = Math.max(0, count - TAIL); k < count; k++) {
            int i = (int) (k % TAIL);
            out.add(String.format("#%d t=%.3fms %s %d %d", k, times[i] / 1e6, kinds[i], as[i], bs[i]));
        }
        return out;
    }
}
