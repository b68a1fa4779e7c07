package io.cortado.bench.workloads;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Priority;
import io.cortado.Task;
import io.cortado.Waker;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * W10 (control_latency) for Cortado, the priority-class proof of issue 3: 2 workers; 10,000 data-plane tasks loop
 * forever {~5 µs of CPU; yield}; one control task is woken every millisecond by a ticker thread (timers arrive
 * with the time issue) and records its wake-to-run latency. Run three ways: idle (no data tasks), control task in
 * the default (data) class, control task in {@link Priority#CONTROL}.
 *
 * <pre>java -cp cortado-bench/target/benchmarks.jar io.cortado.bench.workloads.ControlLatency [ticks]</pre>
 */
public final class ControlLatency {
    private ControlLatency() {
    }

    /** The control task: ready for nothing; each poll after a tick records now - tickTime. */
    private static final class Control implements Future<Void> {
        volatile long tickAt;
        volatile Waker waker;
        final long[] latencies;
        volatile int seen;
        long lastTick;

        Control(int ticks) {
            latencies = new long[ticks];
        }

        void tick() {
            tickAt = System.nanoTime();
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public Poll<Void> poll(Context cx) {
            waker = cx.waker();
            long t = tickAt;
            if (t != 0 && t != lastTick) {
                lastTick = t;
                latencies[seen++] = System.nanoTime() - t;
                if (seen == latencies.length) {
                    return Poll.ready(null);
                }
            }
            return Poll.pending();
        }
    }

    public static void main(String[] args) {
        int ticks = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        run("control_latency_idle", ticks, 0, Priority.DATA);
        run("control_latency", ticks, 10_000, Priority.DATA);
        run("control_latency_priority", ticks, 10_000, Priority.CONTROL);
    }

    private static void run(String name, int ticks, int dataTasks, Priority cls) {
        AtomicBoolean stop = new AtomicBoolean();
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2).seed(1)
                .blockedWorkerThreshold(java.time.Duration.ZERO).build()) {
            for (int i = 0; i < dataTasks; i++) {
                rt.spawn(cx -> {
                    if (stop.get()) {
                        return Poll.ready(null);
                    }
                    long end = System.nanoTime() + 5_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait(); // ~5 µs of CPU
                    }
                    cx.waker().wake(); // yield
                    return Poll.pending();
                });
            }
            Control control = new Control(ticks);
            var handle = Task.builder().name("control").priority(cls).spawnOn(rt.handle(), control);
            long deadline = System.nanoTime() + 30_000_000_000L; // a starved control task reports what it got
            Thread ticker = Thread.ofPlatform().start(() -> {
                while (!handle.isFinished() && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(1_000_000);
                    control.tick();
                }
            });
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.set(true);
            handle.abort();
            int seen = control.seen;
            if (seen == 0) {
                System.out.printf(Locale.ROOT, "{\"peer\":\"cortado\",\"workload\":\"%s\",\"metric\":"
                        + "\"late_p99_us\",\"value\":null,\"n\":0,\"runs\":1} (no wake in 30 s)%n", name);
                return;
            }
            ticks = seen;
            long[] l = Arrays.copyOf(control.latencies, seen);
            Arrays.sort(l);
            System.out.printf(Locale.ROOT, "{\"peer\":\"cortado\",\"workload\":\"%s\",\"metric\":\"late_p50_us\","
                    + "\"value\":%.1f,\"n\":%d,\"runs\":1}%n", name, l[l.length / 2] / 1e3, ticks);
            System.out.printf(Locale.ROOT, "{\"peer\":\"cortado\",\"workload\":\"%s\",\"metric\":\"late_p99_us\","
                    + "\"value\":%.1f,\"n\":%d,\"runs\":1}%n", name, l[(int) (l.length * 0.99)] / 1e3, ticks);
            System.out.printf(Locale.ROOT, "{\"peer\":\"cortado\",\"workload\":\"%s\",\"metric\":\"late_max_us\","
                    + "\"value\":%.1f,\"n\":%d,\"runs\":1}%n", name, l[l.length - 1] / 1e3, ticks);
        }
    }
}
