package io.cortado.bench;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Task;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Baselines of the current-thread runtime (the multi-thread scheduler and the peer comparisons of WORKLOADS.md
 * come with the scheduler issue): W1-style spawn of 10,000 tasks that each return an int, joined and summed;
 * W3-style 100 tasks that each yield 100 times.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CurrentThreadSpawnBenchmark {
    private static final int TASKS = 10_000;
    private AsyncRuntime rt;

    @Setup
    public void setUp() {
        rt = AsyncRuntime.builder().currentThread().build();
    }

    @TearDown
    public void tearDown() {
        rt.close();
    }

    /** ns per task: spawn, run, join. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public long spawnMany() {
        return rt.blockOn(Futures.lazy(() -> {
            List<JoinHandle<Integer>> hs = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                hs.add(Task.spawn(Futures.ready(i)));
            }
            return Futures.joinAll(hs);
        }).then(f -> f).map(l -> l.stream().mapToLong(Integer::longValue).sum()));
    }

    /** ns per yield: 100 tasks x 100 yields. */
    @Benchmark
    @OperationsPerInvocation(100 * 100)
    public int yieldMany() {
        return rt.blockOn(Futures.lazy(() -> {
            List<JoinHandle<Integer>> hs = new ArrayList<>(100);
            for (int i = 0; i < 100; i++) {
                hs.add(Task.spawn(yields(100)));
            }
            return Futures.joinAll(hs);
        }).then(f -> f).map(List::size));
    }

    private static Future<Integer> yields(int n) {
        int[] left = {n};
        return cx -> {
            if (left[0]-- == 0) {
                return io.cortado.Poll.ready(n);
            }
            cx.waker().wake();
            return io.cortado.Poll.pending();
        };
    }
}
