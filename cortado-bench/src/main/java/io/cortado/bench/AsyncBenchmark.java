package io.cortado.bench;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.async.Async;
import io.cortado.bench.peers.KotlinSuspend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

import static io.cortado.async.Async.await;

/**
 * Issue 11's yardstick: a loop of 1,000 awaits, (a) on futures that are ready and (b) on futures that return
 * Pending once, written three ways: as an async method (compiled by cortado-async-maven-plugin in this module's
 * build), as a hand-written {@code poll} state machine, and as a Kotlin {@code suspend} function. Each future is
 * driven by polling it on this thread with a no-op waker, so only the state machines are measured. Scores are per
 * await ({@code @OperationsPerInvocation(1000)}).
 *
 * <p>Run: {@code java -jar cortado-bench/target/benchmarks.jar AsyncBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(AsyncBenchmark.N)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class AsyncBenchmark {
    static final int N = 1000;

    /**
     * A future that is always ready, with one of 16 values (Polls made once) in turn, so no compiler can fold a loop
     * of awaits into a multiplication: each await really polls.
     */
    static final class Ready implements Future<Integer> {
        private final Poll<?>[] polls = new Poll<?>[16];
        private int next;

        Ready() {
            for (int i = 0; i < polls.length; i++) {
                polls[i] = Poll.ready(i);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public Poll<Integer> poll(Context cx) {
            return (Poll<Integer>) polls[next++ & 15];
        }
    }

    /** A future that returns Pending on its first poll and is ready on the second; reset before each await. */
    static final class PendingOnce implements Future<Integer> {
        private final Poll<Integer> one = Poll.ready(1);
        private boolean polled;

        PendingOnce reset() {
            polled = false;
            return this;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            if (!polled) {
                polled = true;
                return Poll.pending(); // a real future would have arranged a wake-up here
            }
            return one;
        }
    }

    private final Ready ready = new Ready();
    private final PendingOnce once = new PendingOnce();
    private final KotlinSuspend.Values values = new KotlinSuspend.Values();
    private final Context cx = Context.of(() -> { });

    // ---- async methods (compiled into state machines by the plugin)

    static Future<Integer> asyncReady(Ready f, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += await(f);
        }
        return Async.done(s);
    }

    static Future<Integer> asyncPendingOnce(PendingOnce f, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += await(f.reset());
        }
        return Async.done(s);
    }

    // ---- the same loop as a hand-written poll state machine

    static final class HandLoop implements Future<Integer> {
        private final Ready ready;
        private final PendingOnce once;
        private final int n;
        private int i;
        private int s;
        private Future<Integer> current;

        HandLoop(Ready ready, PendingOnce once, int n) {
            this.ready = ready;
            this.once = once;
            this.n = n;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            for (; ; ) {
                if (current == null) {
                    if (i == n) {
                        return Poll.ready(s);
                    }
                    current = ready != null ? ready : once.reset();
                }
                Poll<Integer> p = current.poll(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                s += p.value();
                i++;
                current = null;
            }
        }
    }

    static int drive(Future<Integer> f, Context cx) {
        Poll<Integer> p;
        while (!(p = f.poll(cx)).isReady()) {
            // a runtime would wait for the wake-up; these futures are ready on the next poll
        }
        return p.value();
    }

    @Benchmark
    public int asyncMethodReady() {
        return drive(asyncReady(ready, N), cx);
    }

    @Benchmark
    public int handWrittenReady() {
        return drive(new HandLoop(ready, null, N), cx);
    }

    @Benchmark
    public int kotlinSuspendReady() {
        return KotlinSuspend.runReady(values, N);
    }

    @Benchmark
    public int asyncMethodPendingOnce() {
        return drive(asyncPendingOnce(once, N), cx);
    }

    @Benchmark
    public int handWrittenPendingOnce() {
        return drive(new HandLoop(null, once, N), cx);
    }

    @Benchmark
    public int kotlinSuspendOnce() {
        return KotlinSuspend.runOnce(N);
    }
}
