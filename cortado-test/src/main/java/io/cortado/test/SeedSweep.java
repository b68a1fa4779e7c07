package io.cortado.test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * Runs one scenario under many seeds and reports every seed that fails, so a race that shows once in a thousand
 * interleavings is found, and then reproduced by its seed alone.
 *
 * <pre>{@code
 * SeedSweep.Report r = SeedSweep.run(0, 1_000, seed -> scenario(seed));
 * r.assertNoFailures();                  // fails naming every failing seed, with the first failure as its cause
 * }</pre>
 */
public final class SeedSweep {
    private SeedSweep() {
    }

    /**
     * What a sweep found.
     *
     * @param runs         how many seeds ran
     * @param failingSeeds the seeds whose run failed, in order
     * @param failures     each failing seed's failure
     */
    public record Report(int runs, List<Long> failingSeeds, Map<Long, SimulationFailure> failures) {
        /** @return an unmodifiable report */
        public Report {
            failingSeeds = List.copyOf(failingSeeds);
            failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures));
        }

        /** @return whether every seed passed */
        public boolean passed() {
            return failingSeeds.isEmpty();
        }

        /** @throws AssertionError naming every failing seed, caused by the first failure */
        public void assertNoFailures() {
            if (!passed()) {
                long first = failingSeeds.getFirst();
                throw new AssertionError(failingSeeds.size() + " of " + runs + " seeds failed: " + failingSeeds
                        + "; rerun one with Simulation.builder().seed(" + first + ")", failures.get(first));
            }
        }
    }

    /**
     * @param quick how many seeds to sweep by default (a quick form for every build)
     * @return the system property {@code cortado.sim.seeds} if set (e.g. {@code -Dcortado.sim.seeds=10000} for a
     * long sweep before a release), else {@code quick}
     * @throws IllegalArgumentException if the property is not a positive integer
     */
    public static int seeds(int quick) {
        String v = System.getProperty("cortado.sim.seeds");
        if (v == null) {
            return quick;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("system property cortado.sim.seeds : \"" + v + "\" (expected: an integer "
                + ">= 1)");
    }

    /**
     * Runs {@code scenario(seed)} for {@code count} seeds from {@code firstSeed}, one after the other.
     *
     * @param count how many seeds, at least 1
     * @return every failing seed
     * @throws IllegalArgumentException if {@code count} is not positive
     */
    public static Report run(long firstSeed, int count, LongFunction<Simulation> scenario) {
        Objects.requireNonNull(scenario, "scenario");
        if (count < 1) {
            throw new IllegalArgumentException("count : " + count + " (expected: >= 1)");
        }
        List<Long> failing = new ArrayList<>();
        Map<Long, SimulationFailure> failures = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            long seed = firstSeed + i;
            try {
                scenario.apply(seed).run();
            } catch (SimulationFailure f) {
                failing.add(seed);
                failures.put(seed, f);
            }
        }
        return new Report(count, failing, failures);
    }
}
