package io.cortado.testing;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Counts the interesting states a model check or stress run reached, so a test can fail when its scenarios never
 * produced the race it is meant to check (a check that explores nothing passes vacuously). Count from the
 * validation step of a Lincheck test (it runs alone, after the parallel part), from flags the operations set.
 *
 * <p>The counts are kept in the JVM's system properties, not in a field: Lincheck's model checker restores every
 * object reachable from a static field of an instrumented class after each invocation (its
 * {@code SnapshotTracker}), so counts kept in a static field come back empty from a model check, and only its
 * stress runs ever counted. It does not track the system properties ({@code ReachedStatesTest} proves both).
 */
public final class ReachedStates {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private final String prefix = "cortado.reached." + INSTANCES.incrementAndGet() + ".";

    /** Counts one occurrence of {@code state}. */
    public void reached(String state) {
        System.getProperties().compute(prefix + state,
                (k, v) -> v == null ? "1" : Long.toString(Long.parseLong((String) v) + 1));
    }

    /** @return how often {@code state} was reached */
    public long count(String state) {
        String v = System.getProperty(prefix + state);
        return v == null ? 0 : Long.parseLong(v);
    }

    /** Forgets every count (before a run). */
    public void reset() {
        Properties p = System.getProperties();
        p.stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).forEach(p::remove);
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
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> m.put(k.substring(prefix.length()), Long.parseLong(System.getProperty(k))));
        return m;
    }
}
