package io.cortado.internal.io;

import io.cortado.Context;
import io.cortado.Waker;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.channels.SelectionKey;
import java.util.concurrent.TimeUnit;

/**
 * Linearizability of {@link Registration}'s readiness word (rules 1–3 and 5) against a one-flag-per-direction
 * model: a report sets the flag; "take" (poll readiness, then clear exactly what was seen, as a read that would
 * block does) returns the flag and clears it; close fails every later take. A flag model cannot tell one report
 * from two, so a stale clear erasing a newer report is not visible here: the jcstress litmus test
 * {@code StaleClearVsReport} covers that rule (checked: this test passes with the tick check removed, the litmus
 * test does not). Read and write directions are
 * independent, and close fails every later poll. As in the runtime, one thread at a time reports (the selecting
 * thread), one task at a time reads and one writes (non-parallel groups): two concurrent readers of one socket are
 * not supported, and Lincheck shows why (both would take the same readiness). This test found that a single tick
 * for both directions let a read report block the clear of the write direction (hence a tick per direction).
 */
public class RegistrationLincheckTest extends RuntimeTestBase {
    private static final Context CX = Context.of(Waker.noop());
    private final Registration reg = Registration.unattached("lincheck");

    @Operation(nonParallelGroup = "driver")
    public void reportRead() {
        reg.dispatch(reg.report(SelectionKey.OP_READ));
    }

    @Operation(nonParallelGroup = "driver")
    public void reportWrite() {
        reg.dispatch(reg.report(SelectionKey.OP_WRITE));
    }

    private String take(int dir) {
        int seen;
        try {
            seen = reg.pollReady(CX, dir);
        } catch (java.io.UncheckedIOException closed) {
            return "closed";
        }
        if (seen < 0) {
            return "pending";
        }
        reg.clearReady(seen, dir);
        return "ready";
    }

    @Operation(nonParallelGroup = "reader")
    public String takeRead() {
        return take(Registration.READ);
    }

    @Operation(nonParallelGroup = "writer")
    public String takeWrite() {
        return take(Registration.WRITE);
    }

    @Operation
    public void close() {
        reg.close(null);
    }

    @Override
    protected boolean checksDescriptors() {
        return false;
    }

    private static int scale() {
        return Math.max(1, stressScale() / 4);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void modelChecking() {
        new ModelCheckingOptions().iterations(20 * scale()).invocationsPerIteration(500)
                .threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void stress() {
        new StressOptions().iterations(20 * scale()).invocationsPerIteration(1_000)
                .threads(3).actorsPerThread(3).check(getClass());
    }
}
