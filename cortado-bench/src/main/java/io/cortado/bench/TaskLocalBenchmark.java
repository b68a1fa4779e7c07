package io.cortado.bench;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.TaskLocal;
import io.cortado.Waker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost per poll of a {@link TaskLocal} scope (issue 8): one poll of a pending future, bare, inside a scope,
 * and inside a scope with a {@link TaskLocal#get()} in the poll; and a plain {@code ThreadLocal} set/restore around
 * the poll for comparison. The {@code *OnWorker} forms run 100,000 such polls inside a task on a runtime worker
 * thread (where the binding chain is a field of the thread; on other threads, such as JMH's, it is a
 * {@code ThreadLocal}); their score is per poll. Run:
 * {@code java -jar cortado-bench/target/benchmarks.jar TaskLocalBenchmark -prof gc}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-XX:+UseParallelGC")
public class TaskLocalBenchmark {
    static final TaskLocal<String> ID = TaskLocal.newInstance("id");
    static final ThreadLocal<String> TL = new ThreadLocal<>();

    private final Context cx = Context.of(Waker.noop());
    private int n;
    private Future<Integer> bare;
    private Future<Integer> scoped;
    private Future<Integer> scopedWithGet;

    /** Pending three polls out of four, so the result is consumed and the poll is not folded away. */
    final class Leaf implements Future<Integer> {
        @Override
        public Poll<Integer> poll(Context cx) {
            return (++n & 3) == 0 ? Poll.ready(n) : Poll.pending();
        }
    }

    final class LeafWithGet implements Future<Integer> {
        @Override
        public Poll<Integer> poll(Context cx) {
            n += ID.get().length();
            return (n & 3) == 0 ? Poll.ready(n) : Poll.pending();
        }
    }

    private io.cortado.AsyncRuntime rt;

    @Setup
    public void setup() {
        bare = new Leaf();
        scoped = ID.scope("request-42", new Leaf());
        scopedWithGet = ID.scope("request-42", new LeafWithGet());
        rt = io.cortado.AsyncRuntime.builder().multiThread().workerThreads(1).build();
    }

    @org.openjdk.jmh.annotations.TearDown
    public void tearDown() {
        rt.close();
    }

    private static final int BATCH = 100_000;

    /** Polls {@code f} {@link #BATCH} times inside one task on the worker; returns a checksum. */
    private int onWorker(Future<Integer> f) {
        return rt.blockOn(rt.spawn(io.cortado.Futures.lazy(() -> {
            int sum = 0;
            for (int i = 0; i < BATCH; i++) {
                Poll<Integer> p = f.poll(cx);
                sum += p.isReady() ? 1 : 0;
            }
            return sum;
        })));
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
    public int bareOnWorker() {
        return onWorker(bare);
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
    public int scopedOnWorker() {
        return onWorker(scoped);
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(BATCH)
    public int scopedWithGetOnWorker() {
        return onWorker(scopedWithGet);
    }

    @Benchmark
    public Poll<Integer> bare() {
        return bare.poll(cx);
    }

    @Benchmark
    public Poll<Integer> scoped() {
        return scoped.poll(cx);
    }

    @Benchmark
    public Poll<Integer> scopedWithGet() {
        return scopedWithGet.poll(cx);
    }

    @Benchmark
    public Poll<Integer> threadLocalSetAndRestore() {
        String prev = TL.get();
        TL.set("request-42");
        try {
            return bare.poll(cx);
        } finally {
            TL.set(prev);
        }
    }
}
