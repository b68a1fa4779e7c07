package io.cortado.internal.sim;

import io.cortado.AsyncRuntime;

import java.util.Objects;
import java.util.function.Function;

/**
 * Builds deterministic runtimes for {@code cortado-test} without a public API: {@code AsyncRuntime} installs the
 * factory when its class initialises, which {@link #build} forces first.
 */
public final class SimRuntimes {
    private static volatile Function<SimConfig, AsyncRuntime> factory;

    private SimRuntimes() {
    }

    /** Called once by {@code AsyncRuntime}'s static initialiser. */
    public static void install(Function<SimConfig, AsyncRuntime> f) {
        factory = f;
    }

    /** @return a new deterministic runtime (see {@link SimConfig}) */
    public static AsyncRuntime build(SimConfig config) {
        Objects.requireNonNull(config, "config");
        AsyncRuntime.builder(); // initialises AsyncRuntime, which installs the factory
        return factory.apply(config);
    }
}
