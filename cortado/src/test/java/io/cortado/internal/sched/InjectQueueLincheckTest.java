package io.cortado.internal.sched;

import io.cortado.Futures;
import io.cortado.Priority;
import io.cortado.internal.task.TaskCell;
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
 * Linearizability of {@link InjectQueue}: any thread pushes (one task or a chain), any thread pops (one task or a
 * batch) and asks whether it is empty. Each push makes fresh tasks, named after the generated item, so a task is
 * never in the queue twice (the queue's rule 5 is the caller's duty).
 */
@Param(name = "item", gen = IntGen.class, conf = "1:9")
public class InjectQueueLincheckTest extends RuntimeTestBase {
    private final InjectQueue queue = new InjectQueue();

    private static TaskCell<?> task(int item) {
        return new TaskCell<>(Futures.ready(item), InjectQueueTest.NONE, Integer.toString(item), Priority.DATA);
    }

    private static String name(TaskCell<?> t) {
        return t == null ? null : t.name();
    }

    @Operation
    public void push(@Param(name = "item") int item) {
        queue.push(task(item));
    }

    @Operation
    public void pushTwo(@Param(name = "item") int item) {
        queue.pushBatch(new Object[] {task(item), task(item + 10)}, 2);
    }

    @Operation
    public String pop() {
        return name(queue.pop());
    }

    @Operation
    public List<String> popTwo() {
        TaskCell<?>[] out = new TaskCell<?>[2];
        int n = queue.popBatch(out, 2);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(name(out[i]));
        }
        return got;
    }

    @Operation
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void modelChecking() {
        new ModelCheckingOptions().iterations(15 * scale()).invocationsPerIteration(500)
                .threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void stress() {
        new StressOptions().iterations(20 * scale()).invocationsPerIteration(1_000)
                .threads(3).actorsPerThread(3).check(getClass());
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }

    private static int scale() {
        return Math.max(1, Integer.getInteger("cortado.stress.scale", 1) / 4);
    }
}
