package io.cortado.examples.replicated;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.examples.LeakCheck;
import io.cortado.net.TcpListener;
import io.cortado.test.SeedSweep;
import io.cortado.test.Simulation;
import io.cortado.test.SimulationFailure;
import io.cortado.time.Clock;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ReplicatedKv} under Cortado's deterministic simulation: one primary ({@code kv1}) and two backups
 * ({@code kv2}, {@code kv3}) on simulated hosts, unchanged code meeting jitter, lost segments, a partition and a
 * crash; and, once, the same nodes on an ordinary runtime over real loopback sockets.
 *
 * <h2>The planted race</h2>
 * {@link #scenario} runs a writer that, after each {@code SET} answered {@code OK}, reads its write back. The
 * correct fixture reads from the primary, which applied the write before answering: it always sees it. The planted
 * one reads from the backup {@code kv2}. That is wrong: {@code OK} means a <i>majority</i> (the primary and one
 * backup) applied the write, and the backup may have been {@code kv3}. It goes wrong only when {@code kv3} acknowledged
 * first <i>and</i> {@code kv2} is still behind when the read reaches it — when a segment between the primary and
 * {@code kv2} was "lost" (it then arrives a 200 ms retransmission late, and the stop-and-wait replicator waits for
 * it) or a jittered {@code REPL} arrives after the read. While {@code kv3} is partitioned away or crashed, {@code kv2}
 * is the only possible majority, so the read is right by luck. Whether a run hits the window thus depends on the
 * seed: on the link jitter and losses it draws and on the fault plan it picks, so a sweep over seeds finds runs
 * that show it and runs that do not (when this was written, 117 of the first 2,000 seeds showed it, seed 7 first: a
 * {@code REPL} to {@code kv2} needed a retransmission), and a failing seed replays the very same run.
 */
class ReplicatedKvSimulationTest extends LeakCheck {
    static final int PORT = 7000;
    static final List<String> NODES = List.of("kv1", "kv2", "kv3");
    /** How long (simulated) the nodes get to converge after the last write. */
    static final Duration CONVERGE_LIMIT = Duration.ofSeconds(30);
    static final Duration RETRY = Duration.ofMillis(50);
    /** Seeds per sweep: 2,000 in every build (a few seconds), more with {@code -Dcortado.sim.seeds=N}. */
    static final int SWEEP_SEEDS = SeedSweep.seeds(2000);
    static final int SWEEP_WRITES = 15;

    /** The three nodes, on hosts of a simulation built from {@code b}. */
    static Simulation cluster(Simulation.Builder b) {
        Simulation sim = b.timeLimit(Duration.ofMinutes(10)).build();
        sim.host("kv1", () -> ReplicatedKv.primary(PORT, List.of("kv2:" + PORT, "kv3:" + PORT)));
        sim.host("kv2", () -> ReplicatedKv.backup(PORT));
        sim.host("kv3", () -> ReplicatedKv.backup(PORT));
        return sim;
    }

    static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    /** @return keys {@code k<from>} .. {@code k<to - 1>} with values {@code v<i><suffix>}, in order */
    static Map<String, String> writes(int from, int to, String suffix) {
        Map<String, String> w = new LinkedHashMap<>();
        for (int i = from; i < to; i++) {
            w.put("k" + i, "v" + i + suffix);
        }
        return w;
    }

    /** Writes every entry through the primary, one after the other; adds each answer's entry number to seqs. */
    static Future<Void> setAll(Map<String, String> writes, List<Long> seqs) {
        List<Map.Entry<String, String>> list = List.copyOf(writes.entrySet());
        return inTurn(list.size(), i -> KvClient.set("kv1", PORT, list.get(i).getKey(), list.get(i).getValue())
                .map(seqs::add));
    }

    /** @return a future of what {@code node} holds for each key ({@code "NONE"} for no value), in key order */
    static Future<Map<String, String>> snapshot(String host, int port, Iterable<String> keys) {
        List<String> ks = new ArrayList<>();
        keys.forEach(ks::add);
        List<Future<Optional<String>>> gets = ks.stream().map(k -> KvClient.get(host, port, k)).toList();
        return Futures.joinAll(gets).map(values -> {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < ks.size(); i++) {
                m.put(ks.get(i), values.get(i).orElse("NONE"));
            }
            return m;
        });
    }

    static Future<Map<String, String>> snapshot(String node, Iterable<String> keys) {
        return snapshot(node, PORT, keys);
    }

    /**
     * Waits (polling every {@link #RETRY}) until {@code node} holds exactly {@code expected}; fails after limit. A
     * try that fails or takes over a second (the node is down or cut off: a SYN sent to a crashed host is lost and
     * the connect waits) counts as "not yet".
     */
    static Future<Void> converges(String host, int port, Map<String, String> expected, Duration limit) {
        return eventually(host + ":" + port + " holds every write", limit,
                () -> snapshot(host, port, expected.keySet()).timeout(Duration.ofSeconds(1))
                        .map(m -> m.equals(expected) ? null : "it holds " + m)
                        .orElse(e -> "it does not answer: " + e));
    }

    /** Every node converges to {@code expected} (checked concurrently). */
    static Future<Void> allConverge(Map<String, String> expected) {
        return Futures.joinAll(NODES.stream().map(n -> converges(n, PORT, expected, CONVERGE_LIMIT)).toList())
                .map(done -> null);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Happy path

    @Test
    void everyNodeEndsWithEveryWrite() {
        Simulation sim = cluster(Simulation.builder().seed(1).latency(ms(1)).jitter(ms(3)));
        Map<String, String> written = writes(0, 20, "");
        List<Long> seqs = new ArrayList<>();
        Map<String, Map<String, String>> finalState = new LinkedHashMap<>();
        sim.client("client", () -> setAll(written, seqs)
                .then(v -> allConverge(written))
                .then(v -> inTurn(3, i -> snapshot(NODES.get(i), written.keySet())
                        .map(m -> finalState.put(NODES.get(i), m)))));
        Simulation.Result r = sim.run();

        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), seqs, "entries are numbered 1, 2, ... in order");
        for (String node : NODES) {
            assertEquals(written, finalState.get(node), node);
        }
        assertTrue(r.elapsed().compareTo(Duration.ofSeconds(2)) < 0, "a healthy cluster converges fast: "
                + r.elapsed());
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Partition

    @Test
    void aPartitionedBackupFallsBehindWhileTheMajorityGoesOnThenCatchesUp() {
        Simulation sim = cluster(Simulation.builder().seed(2).latency(ms(1)).jitter(ms(3)));
        Map<String, String> before = writes(0, 5, "");
        Map<String, String> during = writes(5, 15, "");
        Map<String, String> all = new LinkedHashMap<>(before);
        all.putAll(during);
        List<Long> seqs = new ArrayList<>();
        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        sim.client("client", () -> setAll(before, seqs)
                .then(v -> allConverge(before))
                .map(v -> {
                    sim.partition("kv1", "kv3");
                    return null;
                })
                .then(v -> setAll(during, seqs))              // answered: kv1 and kv2 are a majority
                .then(v -> snapshot("kv3", all.keySet()).map(m -> seen.put("kv3 partitioned", m)))
                .then(v -> snapshot("kv2", all.keySet()).map(m -> seen.put("kv2 partitioned", m)))
                .map(v -> {
                    sim.heal("kv1", "kv3");
                    seen.put("healed at", Map.of("t", sim.elapsed().toString()));
                    return null;
                })
                .then(v -> converges("kv3", PORT, all, CONVERGE_LIMIT))
                .then(v -> snapshot("kv3", all.keySet()).map(m -> seen.put("kv3 healed", m))));
        sim.run();

        assertEquals(LongStream.rangeClosed(1, 15).boxed().toList(), seqs, "every SET succeeded, partition or not");
        Map<String, String> stale = new LinkedHashMap<>(before);
        during.keySet().forEach(k -> stale.put(k, "NONE"));
        assertEquals(stale, seen.get("kv3 partitioned"), "kv3 is stale while cut off from the primary");
        assertEquals(all, seen.get("kv2 partitioned"), "kv2 made every majority, so it has every write");
        assertEquals(all, seen.get("kv3 healed"), "after the heal kv3 converges");
    }

    @Test
    void aSetIsAnsweredOnlyOnceAMajorityHasAppliedIt() {
        Simulation sim = cluster(Simulation.builder().seed(4).latency(ms(1)).jitter(ms(3)));
        Map<String, Object> seen = new LinkedHashMap<>();
        sim.client("client", () -> Futures.lazy(() -> {
            sim.partition("kv1", "kv2"); // the primary alone is no majority
            sim.partition("kv1", "kv3");
            return null;
        }).then(v -> Futures.join(
                KvClient.set("kv1", PORT, "a", "1").map(seq -> {
                    seen.put("OK", seq);
                    seen.put("OK at", sim.elapsed());
                    return null;
                }),
                Sleep.sleep(Duration.ofSeconds(1))
                        .then(s -> KvClient.get("kv1", PORT, "a"))
                        .map(got -> seen.put("primary's value, no majority yet", got.orElse("NONE")))
                        .then(x -> Sleep.sleep(Duration.ofSeconds(2)))
                        .map(s -> {
                            seen.put("healed at", sim.elapsed());
                            sim.heal("kv1", "kv2");
                            return null;
                        }))));
        sim.run();

        assertEquals("1", seen.get("primary's value, no majority yet"), "the primary applies a write at once ...");
        assertEquals(1L, seen.get("OK"));
        Duration healed = (Duration) seen.get("healed at");
        Duration ok = (Duration) seen.get("OK at");
        assertTrue(ok.compareTo(healed) > 0 && ok.compareTo(healed.plusSeconds(1)) < 0,
                "... and answers once the heal gave it a majority: " + seen);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Crash and restart

    @Test
    void aBackupThatCrashedComesBackEmptyAndCatchesUpFromThePrimarysLog() {
        Simulation sim = cluster(Simulation.builder().seed(3).latency(ms(1)).jitter(ms(3)));
        Map<String, String> all = writes(0, 30, "");
        List<String> keys = List.copyOf(all.keySet());
        List<Long> seqs = new ArrayList<>();
        Map<String, Map<String, String>> seen = new LinkedHashMap<>();
        sim.client("client", () -> inTurn(30, i -> {
            Future<Void> before = Futures.ready(null);
            if (i == 10) {
                before = converges("kv3", PORT, writes(0, 10, ""), CONVERGE_LIMIT).map(v -> {
                    sim.crash("kv3"); // mid-stream: it has applied the first ten writes, then loses them all
                    return null;
                });
            } else if (i == 20) {
                before = Futures.lazy(() -> {
                    sim.partition("kv1", "kv3"); // keep the primary away for a moment, to look at kv3 as it comes back
                    sim.restart("kv3");
                    return null;
                }).then(v -> snapshot("kv3", keys)).map(m -> {
                    seen.put("kv3 restarted", m);
                    sim.heal("kv1", "kv3");
                    return null;
                });
            }
            return before.then(v -> KvClient.set("kv1", PORT, keys.get(i), all.get(keys.get(i)))).map(seqs::add);
        }).then(v -> allConverge(all)).then(v -> snapshot("kv3", keys).map(m -> seen.put("kv3 at the end", m))));
        sim.run();

        assertEquals(LongStream.rangeClosed(1, 30).boxed().toList(), seqs, "every SET succeeded");
        Map<String, String> empty = new LinkedHashMap<>();
        keys.forEach(k -> empty.put(k, "NONE"));
        assertEquals(empty, seen.get("kv3 restarted"), "a restarted backup has nothing");
        // Entries 1-10 again: the replicator was past them when kv3 crashed, so only kv3's NEED 1 brings them back.
        assertEquals(all, seen.get("kv3 at the end"), "then it gets the whole log from the primary");
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. and 5. Seed sweeps: the correct fixture, and the planted race

    /**
     * A writer writes {@value #SWEEP_WRITES} keys through the primary, reading each back from {@code readFrom}
     * right after its {@code OK} (and fails on a stale read), then waits for every node to hold every write. A
     * chaos client partitions the primary from {@code kv3} and, independently, crashes and restarts {@code kv3}, at
     * times and for durations drawn from the seed. Links have 1 ms latency, up to 4 ms jitter and a 2 % chance that
     * a segment needs a (200 ms) retransmission.
     */
    static Simulation scenario(long seed, String readFrom) {
        Simulation sim = cluster(Simulation.builder().seed(seed).latency(ms(1)).jitter(ms(4)).loss(0.02));
        SplittableRandom plan = new SplittableRandom(seed); // the fault plan: a pure function of the seed
        long partitionAt = plan.nextLong(0, 150);
        long partitionFor = plan.nextLong(50, 1000);
        long crashAt = plan.nextLong(0, 300);
        long downFor = plan.nextLong(20, 1000);
        sim.client("chaos", () -> Futures.join(
                Sleep.sleep(ms(partitionAt)).map(v -> {
                    sim.partition("kv1", "kv3");
                    return null;
                }).then(v -> Sleep.sleep(ms(partitionFor))).map(v -> {
                    sim.heal("kv1", "kv3");
                    return null;
                }),
                Sleep.sleep(ms(crashAt)).map(v -> {
                    sim.crash("kv3");
                    return null;
                }).then(v -> Sleep.sleep(ms(downFor))).map(v -> {
                    sim.restart("kv3");
                    return null;
                })));
        Map<String, String> written = writes(0, SWEEP_WRITES, "-" + seed);
        List<String> keys = List.copyOf(written.keySet());
        sim.client("writer", () -> inTurn(keys.size(), i -> {
            String key = keys.get(i);
            String value = written.get(key);
            return KvClient.set("kv1", PORT, key, value)
                    .then(seq -> KvClient.get(readFrom, PORT, key).map(got -> {
                        if (!got.equals(Optional.of(value))) {
                            throw new AssertionError("stale read: GET " + key + " from " + readFrom + " = "
                                    + got.orElse("NONE") + " right after OK " + seq + " for " + value);
                        }
                        return null;
                    }));
        }).then(v -> allConverge(written)));
        return sim;
    }

    /** The correct fixture: read your own write from the primary. */
    static Simulation readFromPrimary(long seed) {
        return scenario(seed, "kv1");
    }

    /** The planted race: read your own write from a backup. */
    static Simulation readFromBackup(long seed) {
        return scenario(seed, "kv2");
    }

    @Test
    void readingYourWritesFromThePrimaryPassesEverySeed() {
        long t0 = System.nanoTime();
        SeedSweep.Report report = SeedSweep.run(0, SWEEP_SEEDS, ReplicatedKvSimulationTest::readFromPrimary);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("sweep, correct fixture: " + report.runs() + " seeds, " + report.failingSeeds().size()
                + " failing, " + tookMs + " ms");
        report.assertNoFailures();
        assertEquals(SWEEP_SEEDS, report.runs());
        for (long seed = 0; seed < 5; seed++) {
            Simulation.checkDeterministic(seed, ReplicatedKvSimulationTest::readFromPrimary); // same seed, same run
        }
    }

    @Test
    void theSweepFindsThePlantedStaleReadAndItsSeedReplaysIt() {
        long t0 = System.nanoTime();
        int seeds = Math.max(SWEEP_SEEDS, 200); // enough to find it even when a quick run asks for fewer seeds
        SeedSweep.Report report = SeedSweep.run(0, seeds, ReplicatedKvSimulationTest::readFromBackup);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("sweep, planted race: " + report.runs() + " seeds, " + report.failingSeeds().size()
                + " failing " + report.failingSeeds() + ", " + tookMs + " ms");
        assertFalse(report.passed(), "the sweep finds the stale read");
        assertTrue(report.failingSeeds().size() < seeds, "and it shows on some seeds only: "
                + report.failingSeeds().size() + " of " + seeds);
        report.failures().values().forEach(f -> assertTrue(f.getMessage().contains("stale read"),
                "every failure is the planted one: " + f.getMessage()));

        long bad = report.failingSeeds().getFirst();
        SimulationFailure first = report.failures().get(bad);
        System.out.println("first failing seed " + bad + ": " + first.getMessage().lines().findFirst().orElseThrow());
        for (int i = 0; i < 5; i++) {
            SimulationFailure again = assertThrows(SimulationFailure.class, () -> readFromBackup(bad).run());
            assertEquals(first.traceHash(), again.traceHash(), "seed " + bad + " replays the same run");
            assertEquals(first.traceEvents(), again.traceEvents());
            assertEquals(first.getMessage(), again.getMessage());
            assertTrue(again.getMessage().contains("stale read: GET "), again.getMessage());
        }
        Simulation.checkDeterministic(bad, ReplicatedKvSimulationTest::readFromBackup);

        long good = 0;
        while (report.failingSeeds().contains(good)) {
            good++;
        }
        readFromBackup(good).run(); // a passing seed passes again
        readFromPrimary(bad).run(); // and the failing seed's network and faults are fine for the correct fixture
    }

    // ---------------------------------------------------------------------------------------------------------
    // 6. The same nodes on an ordinary runtime, over real sockets

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void theSameNodesServeOverRealLoopbackSockets(String flavor) {
        try (AsyncRuntime rt = flavor.equals("current") ? AsyncRuntime.builder().currentThread().build()
                : AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            TcpListener l1 = TcpListener.bind(rt.handle(), any);
            TcpListener l2 = TcpListener.bind(rt.handle(), any);
            TcpListener l3 = TcpListener.bind(rt.handle(), any);
            rt.handle().spawn(ReplicatedKv.backup(l2));
            rt.handle().spawn(ReplicatedKv.backup(l3));
            rt.handle().spawn(ReplicatedKv.primary(l1, List.of(l2.localAddress(), l3.localAddress())));
            String host = l1.localAddress().getAddress().getHostAddress();
            int primary = l1.localAddress().getPort();

            assertEquals(1L, rt.blockOn(KvClient.set(host, primary, "a", "1")));
            assertEquals(2L, rt.blockOn(KvClient.set(host, primary, "greeting", "hello, wide world")));
            assertEquals(3L, rt.blockOn(KvClient.set(host, primary, "a", "3")));
            assertEquals(Optional.of("3"), rt.blockOn(KvClient.get(host, primary, "a")));
            assertEquals(Optional.empty(), rt.blockOn(KvClient.get(host, primary, "nothing")));
            assertTrue(rt.blockOn(KvClient.ask(host, l2.localAddress().getPort(), "SET b 2")).startsWith("ERR "),
                    "a backup takes no SET");
            assertEquals("ERR usage: GET key", rt.blockOn(KvClient.ask(host, primary, "GET")));

            Map<String, String> expected = new LinkedHashMap<>();
            expected.put("a", "3");
            expected.put("greeting", "hello, wide world");
            for (TcpListener backup : List.of(l2, l3)) { // polls until replicated, with a generous real-time limit
                rt.blockOn(converges(host, backup.localAddress().getPort(), expected, Duration.ofSeconds(20)));
                assertEquals(expected, rt.blockOn(snapshot(host, backup.localAddress().getPort(),
                        expected.keySet())));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Future helpers: loops as small state machines (a chain of then() per iteration would nest without bound)

    /** Runs {@code step(0)}, then {@code step(1)}, ..., {@code step(n - 1)}, each once the previous completed. */
    static Future<Void> inTurn(int n, IntFunction<Future<?>> step) {
        return new Future<>() {
            private int i;
            private Future<?> current;

            @Override
            public Poll<Void> poll(Context cx) {
                for (; ; ) {
                    if (current == null) {
                        if (i == n) {
                            return Poll.ready(null);
                        }
                        current = step.apply(i++);
                    }
                    if (!current.poll(cx).isReady()) {
                        return Poll.pending();
                    }
                    current = null;
                }
            }

            @Override
            public void cancel() {
                if (current != null) {
                    current.cancel();
                }
            }
        };
    }

    /**
     * Runs {@code check} until it yields {@code null} (done), sleeping {@link #RETRY} on the runtime's clock between
     * tries; fails with an {@link AssertionError} (with the last try's complaint) once {@code limit} has passed.
     */
    static Future<Void> eventually(String what, Duration limit, Supplier<Future<String>> check) {
        return new Future<>() {
            private Instant deadline;
            private Future<String> trying;
            private Sleep pause;

            @Override
            public Poll<Void> poll(Context cx) {
                Clock clock = Clock.current();
                if (deadline == null) {
                    deadline = clock.now().plus(limit);
                }
                for (; ; ) {
                    if (pause != null) {
                        if (!pause.poll(cx).isReady()) {
                            return Poll.pending();
                        }
                        pause = null;
                    }
                    if (trying == null) {
                        trying = check.get();
                    }
                    Poll<String> p = trying.poll(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    trying = null;
                    if (p.value() == null) {
                        return Poll.ready(null);
                    }
                    if (!clock.now().isBefore(deadline)) {
                        throw new AssertionError(what + ": not within " + limit + "; " + p.value());
                    }
                    pause = Sleep.sleep(RETRY);
                }
            }

            @Override
            public void cancel() {
                if (trying != null) {
                    trying.cancel();
                }
                if (pause != null) {
                    pause.cancel();
                }
            }
        };
    }
}
