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
 * Linearizability of {@link OnceCell} and {@link CancellationToken}: set-once and cancel-once state from every
 * side (random scenarios of three threads, every operation allowed on each).
 */
class OnceCellLincheckTest extends RuntimeTestBase {

    @Param(name = "v", gen = IntGen.class, conf = "1:3")
    public static class Ops {
        private final OnceCell<Integer> cell = new OnceCell<>();
        private final CancellationToken root = new CancellationToken();
        private final CancellationToken child = root.child();

        @Operation
        public boolean trySet(@Param(name = "v") int v) {
            return cell.trySet(v);
        }

        @Operation
        public Integer get() {
            return cell.get();
        }

        @Operation
        public void cancelRoot() {
            root.cancel();
        }

        @Operation
        public void cancelChild() {
            child.cancel();
        }

        @Operation
        public boolean rootCancelled() {
            return root.isCancelled();
        }

        @Operation
        public boolean childCancelled() {
            return child.isCancelled();
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
