package io.cortado.testing;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ReachedStates} keeps what a model check counts. Lincheck's model checker restores the objects reachable
 * from static fields after each invocation, so a plain static counter comes back empty (this is why the counts of
 * the model checks were lost before, and only their stress runs counted); the counts of a {@link ReachedStates} do
 * not.
 */
class ReachedStatesTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();
    static final AtomicInteger STATIC_COUNTER = new AtomicInteger();

    public static class Ops {
        final AtomicInteger first = new AtomicInteger();

        @Operation
        public void a() {
            first.compareAndSet(0, 1);
        }

        @Operation
        public void b() {
            first.compareAndSet(0, 2);
        }

        @Validate
        public void validate() {
            STATIC_COUNTER.incrementAndGet();
            REACHED.reached(first.get() == 1 ? "a first" : "b first");
        }
    }

    @Test
    void countsSurviveAModelCheck() {
        REACHED.reset();
        LincheckScenario.of(Ops.class).thread("a").thread("b").check(50, 0);
        REACHED.assertReached("a first", "b first");
        assertEquals(0, STATIC_COUNTER.get(), "Lincheck no longer restores static memory after a model-checked"
                + " invocation: ReachedStates could keep its counts in a field again");
        REACHED.reset();
        assertEquals(0, REACHED.count("a first"));
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
