package io.cortado.testing;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * The budgets of the Lincheck model checks: a quick form for the default build (each class well under 30 s on two
 * cores) and a heavy form under -Pstress ({@code cortado.stress.scale} = 20), in the hundreds of thousands of
 * invocations per structure. A budget is given as its quick value and its value at scale 20; other scales above 1
 * get the heavy value in proportion.
 */
public final class LincheckBudget {
    private LincheckBudget() {
    }

    /** @return {@code quick} at scale 1, else {@code heavyAt20 * scale / 20} (never below {@code quick}) */
    public static int of(int quick, int heavyAt20) {
        int scale = Integer.getInteger("cortado.stress.scale", 1);
        return scale <= 1 ? quick : Math.max(quick, (int) ((long) heavyAt20 * scale / 20));
    }

    /**
     * Each written scenario alone: model checked over {@code of(200, 6_000)} interleavings, then run
     * {@code of(300, 20_000)} times on real threads.
     */
    public static void scenarios(LincheckScenario... scenarios) {
        scenarios(200, 300, scenarios);
    }

    /** {@link #scenarios(LincheckScenario...)} with other quick budgets, for structures slow to model check. */
    public static void scenarios(int quickModel, int quickStress, LincheckScenario... scenarios) {
        for (LincheckScenario s : scenarios) {
            s.check(of(quickModel, 6_000), of(quickStress, 20_000));
        }
    }

    /**
     * Random scenarios of three threads, three operations each: {@code of(1, 30)} model checked over 200
     * interleavings, then {@code of(2, 100)} run 1 000 times on real threads.
     */
    public static void random(Class<?> type) {
        random(type, 200, 1_000);
    }

    /** {@link #random(Class)} with other numbers of invocations per scenario, for structures slow to check. */
    public static void random(Class<?> type, int modelInvocations, int stressInvocations) {
        new ModelCheckingOptions().iterations(of(1, 30)).invocationsPerIteration(modelInvocations)
                .threads(3).actorsPerThread(3).check(type);
        new StressOptions().iterations(of(2, 100)).invocationsPerIteration(stressInvocations)
                .threads(3).actorsPerThread(3).check(type);
    }

    /**
     * Random scenarios for a linearizability check: {@code of(2, 40)} model checked over 300 interleavings, then as
     * many run 500 times on real threads.
     */
    public static void linearizable(Class<?> type) {
        new ModelCheckingOptions().iterations(of(2, 40)).invocationsPerIteration(300)
                .threads(3).actorsPerThread(3).check(type);
        new StressOptions().iterations(of(2, 40)).invocationsPerIteration(500)
                .threads(3).actorsPerThread(3).check(type);
    }
}
