package io.cortado.testing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Counts the interesting states a model check or stress run reached, so a test can fail when its scenarios never
 * produced the race it is meant to check (a check that explores nothing passes vacuously). Count from the
 * validation step of a Lincheck test (it runs alone, after the parallel part), from flags the operations set.
 */
public final class ReachedStates {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /** Counts one occurrence of {@code state}. */
    public void reached(String state) {
        counts.computeIfAbsent(state, k -> new LongAdder()).increment();
    }

    /** @return how often {@code state} was reached */
    public long count(String state) {
        LongAdder a = counts.get(state);
        return a == null ? 0 : a.sum();
    }

    /** Forgets every count (before a run). */
    public void reset() {
        counts.clear();
    }

    /** Fails unless every one of {@code states} was reached at least once; names all counts in the message. */
    public void assertReached(String... states) {
        for (String s : states) {
            if (count(s) == 0) {
                fail("the run never reached the state \"" + s + "\"; reached: " + snapshot());
            }
        }
    }

    /** @return the counts so far, by state */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }
}
