package io.cortado.sync;

import io.cortado.testing.LincheckBudget;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * Linearizability of {@link Watch}'s non-waiting operations: sends from any thread against a reader's
 * {@code borrow} and {@code hasChanged} (random scenarios of three threads: two may send while the reader reads).
 */
class WatchLincheckTest extends RuntimeTestBase {

    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class Ops {
        private final Watch.Channel<Integer> ch = Watch.channel(0);

        @Operation
        public void send(@Param(name = "v") int v) {
            ch.sender().send(v);
        }

        @Operation(nonParallelGroup = "reader")
        public int borrow() {
            return ch.receiver().borrow();
        }

        @Operation(nonParallelGroup = "reader")
        public boolean hasChanged() {
            return ch.receiver().hasChanged();
        }
    }

    /** Random scenarios of three threads: {@link LincheckBudget#linearizable}'s budget. */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void linearizable() {
        LincheckBudget.linearizable(Ops.class);
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
