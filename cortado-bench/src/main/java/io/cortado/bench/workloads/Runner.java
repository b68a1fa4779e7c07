package io.cortado.bench.workloads;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs the workloads of {@code ../shared/WORKLOADS.md} for Cortado and every JVM peer, side by side in one JVM and
 * one run, and prints one JSON line per (peer, workload) with the median of the measured runs, then a table of
 * ratios (peer / Cortado; above 1 means Cortado is faster).
 *
 * <pre>
 *   java -Xmx6g -jar cortado-bench/target/benchmarks.jar ... (JMH)  or
 *   java -Xmx6g -cp cortado-bench/target/benchmarks.jar io.cortado.bench.workloads.Runner [runs] [workloads...]
 * </pre>
 * Workloads: W1 spawn_many, W2 spawn_remote, W3 yield_many, W5 chained_spawn, W8 idle_tasks. W4, W6, W7, W9 and
 * W10 arrive with channels, timers, networking and the control-plane benchmark. Every peer gets the same warm-up
 * (3 runs) before its measured runs. Peers run one after the other, never at once (2 cores).
 */
public final class Runner {
    /** Warm-up runs per (peer, workload), the same for every peer: {@code -Dwarmup=N} (default 10). */
    private static final int WARMUP = Integer.getInteger("warmup", 10);

    private Runner() {
    }

    /** One workload: id, name, metric, and how to run it once against a peer, returning the metric's value. */
    private record Workload(String id, String name, String metric, int n, Measure measure) {
    }

    @FunctionalInterface
    private interface Measure {
        double run(Peer peer, int n) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<String> only = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of();
        List<Workload> workloads = List.of(
                new Workload("W1", "spawn_many", "ns_per_task", 100_000, (p, n) -> {
                    long t0 = System.nanoTime();
                    long sum = p.spawnMany(n);
                    long t = System.nanoTime() - t0;
                    check(sum == expectedSum(n), "W1 sum");
                    return (double) t / n;
                }),
                new Workload("W2", "spawn_remote", "ns_per_task", 100_000, (p, n) -> {
                    long t0 = System.nanoTime();
                    p.spawnRemote(n);
                    return (double) (System.nanoTime() - t0) / n;
                }),
                new Workload("W3", "yield_many", "ns_per_yield", 200, (p, n) -> {
                    long t0 = System.nanoTime();
                    p.yieldMany(n, 1_000);
                    return (double) (System.nanoTime() - t0) / (n * 1_000L);
                }),
                new Workload("W4", "ping_pong", "ns_per_hop", 100, (p, n) -> {
                    long t0 = System.nanoTime();
                    p.pingPong(n, 1_000);
                    return (double) (System.nanoTime() - t0) / (n * 2_000L);
                }),
                new Workload("W6", "mpsc_bounded", "msgs_per_sec", 250_000, (p, n) -> {
                    long t0 = System.nanoTime();
                    long sum = p.mpsc(4, n, 1_024);
                    long t = System.nanoTime() - t0;
                    check(sum == 4L * n * (n - 1) / 2, "W6 sum");
                    return 4.0 * n / (t / 1e9);
                }),
                new Workload("W6u", "mpsc_unbounded", "msgs_per_sec", 250_000, (p, n) -> {
                    long t0 = System.nanoTime();
                    long sum = p.mpsc(4, n, 0);
                    long t = System.nanoTime() - t0;
                    check(sum == 4L * n * (n - 1) / 2, "W6u sum");
                    return 4.0 * n / (t / 1e9);
                }),
                new Workload("W5", "chained_spawn", "ns_per_spawn", 1_000, (p, n) -> {
                    long t0 = System.nanoTime();
                    for (int r = 0; r < 100; r++) {
                        p.chainedSpawn(n);
                    }
                    return (double) (System.nanoTime() - t0) / (100L * n);
                }),
                new Workload("W8", "idle_tasks", "bytes_per_task", 1_000_000, (p, n) -> {
                    long before = usedHeapAfterGc();
                    p.startIdle(n);
                    long after = usedHeapAfterGc();
                    long t0 = System.nanoTime();
                    p.cancelIdle();
                    double nsPerCancel = (double) (System.nanoTime() - t0) / n;
                    lastCancelNs = nsPerCancel;
                    return (double) (after - before) / n;
                }));
        workloads = new java.util.ArrayList<>(workloads);
        workloads.add(new Workload("W8o", "idle_tasks_oneshot", "bytes_per_task", 1_000_000, (p, n) -> {
            long before = usedHeapAfterGc();
            p.startIdleOneshot(n);
            long after = usedHeapAfterGc();
            long t0 = System.nanoTime();
            p.cancelIdle();
            lastCancelNs = (double) (System.nanoTime() - t0) / n;
            return (double) (after - before) / n;
        }));
        Map<String, Supplier<Peer>> peers = new LinkedHashMap<>();
        peers.put("cortado", CortadoPeer::new);
        peers.put("netty", NettyPeer::new);
        peers.put("kotlin_coroutines", KotlinCoroutinesPeer::new);
        peers.put("virtual_threads", VirtualThreadPeer::new);
        peers.put("completable_future", CompletableFuturePeer::new);

        String onlyPeers = System.getProperty("peers"); // e.g. -Dpeers=cortado,netty
        if (onlyPeers != null) {
            peers.keySet().retainAll(Arrays.asList(onlyPeers.split(",")));
        }
        int forks = Integer.getInteger("forks", 1);
        if (forks > 1) {
            runForks(forks, args, workloads);
            return;
        }
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        for (Workload w : workloads) {
            if (!only.isEmpty() && !only.contains(w.id())) {
                continue;
            }
            int wRuns = w.id().startsWith("W8") ? Math.min(runs, 3) : runs;
            for (var e : peers.entrySet()) {
                try (Peer peer = e.getValue().get()) {
                    double[] values = new double[wRuns];
                    double[] cancels = new double[wRuns];
                    try {
                        for (int i = 0; i < (w.id().startsWith("W8") ? 1 : WARMUP); i++) {
                            w.measure().run(peer, w.n());
                        }
                        for (int i = 0; i < wRuns; i++) {
                            values[i] = w.measure().run(peer, w.n());
                            cancels[i] = lastCancelNs;
                        }
                    } catch (UnsupportedOperationException skipped) {
                        continue;
                    }
                    if (Boolean.getBoolean("verbose")) { // -Dverbose=true: every measured run, to stderr
                        System.err.println(peer.name() + " " + w.id() + " " + Arrays.toString(values));
                    }
                    double median = median(values);
                    medians.computeIfAbsent(w.id(), k -> new LinkedHashMap<>()).put(peer.name(), median);
                    System.out.printf(Locale.ROOT,
                            "{\"peer\":\"%s\",\"workload\":\"%s\",\"metric\":\"%s\",\"value\":%.1f,\"n\":%d,"
                                    + "\"runs\":%d}%n", peer.name(), w.name(), w.metric(), median, w.n(), wRuns);
                    if (w.id().startsWith("W8")) {
                        System.out.printf(Locale.ROOT,
                                "{\"peer\":\"%s\",\"workload\":\"%s\",\"metric\":\"ns_per_cancel\",\"value\":%.1f,"
                                        + "\"n\":%d,\"runs\":%d}%n", peer.name(), w.name(), median(cancels), w.n(),
                                wRuns);
                    }
                }
            }
        }
        printRatios(medians);
    }

    /**
     * {@code -Dforks=N}: runs the whole comparison in N fresh JVMs one after the other (same JVM flags), and prints
     * for each (peer, workload, metric) the median of the N fork medians. JIT decisions differ from JVM to JVM
     * and dominate the noise of a single JVM on this machine; a median over forks is what BENCHMARKS.md quotes.
     */
    private static void runForks(int forks, String[] args, List<Workload> workloads) throws Exception {
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(javaCmd);
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Dforks=")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Dforks=1", "-cp", System.getProperty("java.class.path"), Runner.class.getName()));
        cmd.addAll(Arrays.asList(args));
        var line = java.util.regex.Pattern.compile(
                "\\{\"peer\":\"([^\"]+)\",\"workload\":\"([^\"]+)\",\"metric\":\"([^\"]+)\",\"value\":([0-9.]+),"
                        + "\"n\":(\\d+),\"runs\":(\\d+)}");
        Map<List<String>, List<Double>> values = new LinkedHashMap<>();
        Map<List<String>, String> nRuns = new LinkedHashMap<>();
        for (int f = 0; f < forks; f++) {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                String l;
                while ((l = r.readLine()) != null) {
                    var m = line.matcher(l);
                    if (m.matches()) {
                        List<String> key = List.of(m.group(1), m.group(2), m.group(3));
                        values.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(Double.parseDouble(m.group(4)));
                        nRuns.put(key, m.group(5) + "," + m.group(6));
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("fork " + f + " failed: exit " + p.exitValue());
            }
        }
        Map<String, Map<String, Double>> medians = new LinkedHashMap<>();
        for (var e : values.entrySet()) {
            List<String> k = e.getKey();
            double median = median(e.getValue().stream().mapToDouble(Double::doubleValue).toArray());
            String[] nr = nRuns.get(k).split(",");
            System.out.printf(Locale.ROOT, "{\"peer\":\"%s\",\"workload\":\"%s\",\"metric\":\"%s\",\"value\":%.1f,"
                    + "\"n\":%s,\"runs\":%s,\"forks\":%d,\"fork_values\":%s}%n", k.get(0), k.get(1), k.get(2), median,
                    nr[0], nr[1], forks, e.getValue().stream().map(v -> String.format(Locale.ROOT, "%.1f", v)).toList());
            for (Workload w : workloads) {
                if (w.name().equals(k.get(1)) && w.metric().equals(k.get(2))) {
                    medians.computeIfAbsent(w.id(), x -> new LinkedHashMap<>()).put(k.get(0), median);
                }
            }
        }
        printRatios(medians);
    }

    private static void printRatios(Map<String, Map<String, Double>> medians) {
        System.out.println();
        System.out.println("ratios (> 1 means cortado is faster: peer/cortado for times, cortado/peer for throughputs)");
        for (var w : medians.entrySet()) {
            Double c = w.getValue().get("cortado");
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-3s", w.getKey()));
            for (var p : w.getValue().entrySet()) {
                if (!p.getKey().equals("cortado") && c != null) {
                    // times: peer / cortado; throughputs (W6, W6u: messages per second): cortado / peer
                    double ratio = w.getKey().startsWith("W6") ? c / p.getValue() : p.getValue() / c;
                    line.append(String.format(Locale.ROOT, "  %s %.2f", p.getKey(), ratio));
                }
            }
            System.out.println(line);
        }
    }

    private static volatile double lastCancelNs;

    private static long expectedSum(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += i & 0xFF;
        }
        return s;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("wrong result: " + what);
        }
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

}
