package io.cortado.bench;

import io.cortado.trace.ConsoleSubscriber;
import io.cortado.trace.Level;
import io.cortado.trace.Tracer;
import io.cortado.trace.Tracing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost of a disabled tracing event (Tracing rule 1): {@code LOG.debug("msg", "k", i)} with a changing
 * {@code int i} (so boxing it would allocate for most values), with no subscriber installed and with one installed
 * whose maxLevel is INFO, against a baseline that does the same counter work without the call. Expect a
 * nanosecond or less and 0 B/op for both disabled forms. Run:
 * {@code java -jar cortado-bench/target/benchmarks.jar TracingBenchmark -prof gc -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = "-XX:+UseParallelGC")
public class TracingBenchmark {
    static final Tracer LOG = Tracing.tracer("bench.app");

    private int i = 1_000;

    /** Installs a console subscriber that wants INFO and more severe (its output discarded) for the trial. */
    @State(Scope.Benchmark)
    public static class InfoSubscriber {
        private AutoCloseable installed;

        @Setup
        public void install() {
            installed = Tracing.install(ConsoleSubscriber.builder().output(line -> { }).minLevel(Level.INFO)
                    .build());
        }

        @TearDown
        public void uninstall() throws Exception {
            installed.close();
        }
    }

    @Benchmark
    public int baseline() {
        return i++;
    }

    @Benchmark
    public int disabledNoSubscriber() {
        int v = i++;
        LOG.debug("msg", "k", v);
        return v;
    }

    @Benchmark
    public int disabledByInfoSubscriber(InfoSubscriber s) {
        int v = i++;
        LOG.debug("msg", "k", v);
        return v;
    }
}
