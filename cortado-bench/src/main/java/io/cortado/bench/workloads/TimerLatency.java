package io.cortado.bench.workloads;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.time.Sleep;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * W7 of {@code WORKLOADS.md}: 100,000 tasks; task {@code i} sleeps {@code (i*7919 % 100) + 1} ms from when it
 * starts; wall time until all are done, and each wake's lateness (actual - deadline). Cortado, Netty (scheduled
 * tasks on 2 NIO loops), virtual threads ({@code Thread.sleep}) and CompletableFuture
 * ({@code delayedExecutor} over a ForkJoinPool(2)) and Kotlin coroutines ({@code delay}, Dispatchers.Default
 * limited to 2 threads).
 *
 * <pre>java -cp cortado-bench/target/benchmarks.jar io.cortado.bench.workloads.TimerLatency [runs]</pre>
 */
public final class TimerLatency {
    private static final int N = 100_000;

    private TimerLatency() {
    }

    private static long delayMs(int i) {
        return (i * 7919L % 100) + 1;
    }

    /** One run: returns wall ms, and fills {@code late} with each wake's lateness in ns. */
    private interface Run {
        double run(long[] late) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        record Peer(String name, Run run) {
        }
        List<Peer> peers = List.of(new Peer("cortado", TimerLatency::cortado), new Peer("netty", TimerLatency::netty),
                new Peer("kotlin_coroutines", TimerLatency::kotlin),
                new Peer("virtual_threads", TimerLatency::virtualThreads),
                new Peer("completable_future", TimerLatency::completableFuture));
        String only = System.getProperty("peers"); // e.g. -Dpeers=cortado,netty
        for (Peer p : peers) {
            if (only != null && !Arrays.asList(only.split(",")).contains(p.name())) {
                continue;
            }
            double[] wall = new double[runs];
            double[] p50 = new double[runs];
            double[] p99 = new double[runs];
            p.run().run(new long[N]); // warm-up
            for (int r = 0; r < runs; r++) {
                long[] late = new long[N];
                wall[r] = p.run().run(late);
                Arrays.sort(late);
                p50[r] = late[N / 2] / 1_000.0;
                p99[r] = late[(int) (N * 0.99)] / 1_000.0;
                if (Boolean.getBoolean("verbose")) {
                    System.err.printf(Locale.ROOT, "%s run %d: wall %.1f ms, late p50 %.0f p90 %.0f p99 %.0f max %.0f us%n",
                            p.name(), r, wall[r], p50[r], late[(int) (N * 0.9)] / 1e3, p99[r], late[N - 1] / 1e3);
                }
            }
            System.out.printf(Locale.ROOT, "{\"peer\":\"%s\",\"workload\":\"timers\",\"metric\":\"wall_ms\",\"value\":%.1f,"
                    + "\"late_p50_us\":%.1f,\"late_p99_us\":%.1f,\"n\":%d,\"runs\":%d}%n", p.name(), median(wall),
                    median(p50), median(p99), N, runs);
        }
    }

    private static double cortado(long[] late) {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2)
                .blockedWorkerThreshold(Duration.ZERO).build()) {
            long t0 = System.nanoTime();
            // Spawned from this thread and counted down like Netty's and the others' (no join handles kept).
            var h = rt.handle();
            CortadoPeer.Signal done = new CortadoPeer.Signal();
            AtomicInteger left = new AtomicInteger(N);
            for (int i = 0; i < N; i++) {
                int id = i;
                io.cortado.Future<Void> task = Futures.lazy(() -> {
                    long start = System.nanoTime();
                    long d = delayMs(id);
                    return Sleep.sleep(Duration.ofMillis(d)).<Void>map(v -> {
                        late[id] = System.nanoTime() - start - d * 1_000_000L;
                        if (left.decrementAndGet() == 0) {
                            done.set();
                        }
                        return null;
                    });
                }).then(f -> f);
                h.spawn(task);
            }
            rt.blockOn(done);
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double netty(long[] late) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        try {
            CountDownLatch done = new CountDownLatch(N);
            long t0 = System.nanoTime();
            for (int i = 0; i < N; i++) {
                int id = i;
                var loop = group.next();
                loop.execute(() -> {
                    long start = System.nanoTime();
                    long d = delayMs(id);
                    loop.schedule(() -> {
                        late[id] = System.nanoTime() - start - d * 1_000_000L;
                        done.countDown();
                    }, d, TimeUnit.MILLISECONDS);
                });
            }
            done.await();
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }

    private static double kotlin(long[] late) throws Exception {
        try (var peer = new io.cortado.bench.peers.KotlinPeer()) {
            long t0 = System.nanoTime();
            peer.timers(N, late);
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static double virtualThreads(long[] late) throws Exception {
        long t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            int id = i;
            ts.add(Thread.ofVirtual().start(() -> {
                long start = System.nanoTime();
                long d = delayMs(id);
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    return;
                }
                late[id] = System.nanoTime() - start - d * 1_000_000L;
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double completableFuture(long[] late) {
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            long t0 = System.nanoTime();
            CompletableFuture<?>[] fs = new CompletableFuture<?>[N];
            for (int i = 0; i < N; i++) {
                int id = i;
                fs[i] = CompletableFuture.supplyAsync(System::nanoTime, pool).thenCompose(start -> {
                    long d = delayMs(id);
                    return CompletableFuture.runAsync(() -> late[id] = System.nanoTime() - start - d * 1_000_000L,
                            CompletableFuture.delayedExecutor(d, TimeUnit.MILLISECONDS, pool));
                });
            }
            CompletableFuture.allOf(fs).join();
            return (System.nanoTime() - t0) / 1e6;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
