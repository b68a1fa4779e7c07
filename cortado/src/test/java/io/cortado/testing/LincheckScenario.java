package io.cortado.testing;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A hand-written Lincheck scenario: the operations that must race are placed in named parallel threads, so the
 * model checker explores their interleavings for certain. (Random scenarios honour {@code nonParallelGroup}, and a
 * class whose operations all sit in such groups may get scenarios with fewer threads than asked for; a custom
 * scenario cannot lose its threads.) Operations are named public methods without parameters; the class's
 * {@code @Validate} method, if any, runs after the scenario.
 */
public final class LincheckScenario {
    private final Class<?> type;
    private final List<Actor> init = new ArrayList<>();
    private final List<List<Actor>> threads = new ArrayList<>();
    private final List<Actor> post = new ArrayList<>();

    private LincheckScenario(Class<?> type) {
        this.type = type;
    }

    /** @return a scenario over the operations of {@code type} */
    public static LincheckScenario of(Class<?> type) {
        return new LincheckScenario(type);
    }

    /** Operations run before the parallel part, on one thread. */
    public LincheckScenario init(String... ops) {
        init.addAll(actors(ops));
        return this;
    }

    /** One more thread of the parallel part, running {@code ops} in order. */
    public LincheckScenario thread(String... ops) {
        threads.add(actors(ops));
        return this;
    }

    /** Operations run after the parallel part, on one thread. */
    public LincheckScenario post(String... ops) {
        post.addAll(actors(ops));
        return this;
    }

    /** @return the Lincheck scenario; at least two threads */
    public ExecutionScenario build() {
        if (threads.size() < 2) {
            throw new IllegalStateException("a parallel scenario needs two threads or more, got " + threads.size());
        }
        Actor validation = null;
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Validate.class)) {
                validation = new Actor(m, List.of());
            }
        }
        return new ExecutionScenario(List.copyOf(init), List.copyOf(threads), List.copyOf(post), validation);
    }

    /**
     * Model checks this scenario alone (no random scenario follows it) over up to {@code modelInvocations}
     * interleavings, then runs it {@code stressInvocations} times on real threads.
     */
    public void check(int modelInvocations, int stressInvocations) {
        new ModelCheckingOptions().iterations(0).invocationsPerIteration(modelInvocations)
                .addCustomScenario(build()).check(type);
        if (stressInvocations > 0) {
            new StressOptions().iterations(0).invocationsPerIteration(stressInvocations)
                    .addCustomScenario(build()).check(type);
        }
    }

    private List<Actor> actors(String... ops) {
        return Arrays.stream(ops).map(op -> {
            try {
                return new Actor(type.getMethod(op), List.of());
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("no public operation " + op + "() in " + type.getName(), e);
            }
        }).toList();
    }
}
