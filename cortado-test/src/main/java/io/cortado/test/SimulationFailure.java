package io.cortado.test;

import java.util.List;

/**
 * A simulation run failed. The message names the seed: {@code Simulation.builder().seed(seed)} with the same
 * scenario reproduces the failure exactly. An {@link AssertionError}, so test frameworks report it as a failure.
 */
public final class SimulationFailure extends AssertionError {
    private static final long serialVersionUID = 1L;

    private final long seed;
    private final long traceHash;
    private final long traceEvents;
    private final transient List<String> traceTail;

    SimulationFailure(long seed, String what, Throwable cause, long traceHash, long traceEvents,
                      List<String> traceTail) {
        super("simulation with seed " + seed + ": " + what + (cause == null ? "" : ": " + cause)
                + "\n  reproduce with Simulation.builder().seed(" + seed + ") and the same scenario"
                + "\n  last events:\n    " + String.join("\n    ", traceTail), cause);
        this.seed = seed;
        this.traceHash = traceHash;
        this.traceEvents = traceEvents;
        this.traceTail = List.copyOf(traceTail);
    }

    /** @return the seed that reproduces this failure */
    public long seed() {
        return seed;
    }

    /** @return the hash of the run's trace up to the failure */
    public long traceHash() {
        return traceHash;
    }

    /** @return how many events the run traced up to the failure */
    public long traceEvents() {
        return traceEvents;
    }

    /** @return the last events before the failure */
    public List<String> traceTail() {
        return traceTail;
    }
}
