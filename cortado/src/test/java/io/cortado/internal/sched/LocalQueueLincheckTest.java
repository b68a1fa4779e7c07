package io.cortado.internal.sched;

import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Linearizability of {@link LocalQueue}: the owner pushes and pops (one thread: the "owner" group), a thief steals
 * half into its own queue (one thief at a time: a thief that finds another thief at work gives up by design).
 * The queue starts near the 32-bit wrap-around so positions wrap during the scenarios. {@code size()} is not an
 * operation: it is a documented snapshot (head and tail are read apart), not a linearizable read.
 */
@Param(name = "item", gen = IntGen.class, conf = "1:9")
public class LocalQueueLincheckTest extends RuntimeTestBase {
    private final LocalQueue<Integer> queue = new LocalQueue<>(-3);
    private final List<Integer> overflowed = new ArrayList<>();

    @Operation(nonParallelGroup = "owner")
    public void push(@Param(name = "item") int item) {
        queue.push(item, (items, n) -> {
            for (int i = 0; i < n; i++) {
                overflowed.add((Integer) items[i]);
            }
        });
    }

    @Operation(nonParallelGroup = "owner")
    public Integer pop() {
        return queue.pop();
    }

    /** Steals into a fresh queue and returns everything stolen, in order. */
    @Operation(nonParallelGroup = "thief")
    public List<Integer> steal() {
        LocalQueue<Integer> dst = new LocalQueue<>();
        List<Integer> got = new ArrayList<>();
        Integer first = queue.stealInto(dst);
        Integer x;
        while ((x = dst.pop()) != null) {
            got.add(x);
        }
        if (first != null) {
            got.add(first); // the stolen item handed back to run at once is the last of the batch
        }
        return got;
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void modelChecking() {
        new ModelCheckingOptions().iterations(40 * scale()).invocationsPerIteration(500)
                .threads(2).actorsPerThread(4).check(getClass());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void stress() {
        new StressOptions().iterations(20 * scale()).invocationsPerIteration(1_000)
                .threads(2).actorsPerThread(4).check(getClass());
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }

    private static int scale() {
        return Math.max(1, Integer.getInteger("cortado.stress.scale", 1) / 4);
    }
}
