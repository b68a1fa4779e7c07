package io.cortado.test;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.io.ConnectionResetException;
import io.cortado.io.Io;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.net.UdpSocket;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Simulation}: the simulated network behind the real socket types, determinism, failures, the seed sweep. */
class SimulationTest extends RuntimeTestBase {

    /** An echo server, written exactly as for a real network. */
    static Future<Void> echoServer(int port) {
        TcpListener l = TcpListener.bind(new InetSocketAddress(port));
        return Futures.pollFn(cx -> {
            for (; ; ) {
                TcpStream s = l.pollAccept(cx);
                if (s == null) {
                    return Poll.pending();
                }
                Task.spawn(Io.copy(s, s).map(n -> {
                    s.close();
                    return n;
                }));
            }
        });
    }

    /** Connects to {@code host}, sends {@code data} while reading it back (so neither side's window fills). */
    static Future<byte[]> echoOnce(String host, int port, byte[] data) {
        ByteBuffer back = ByteBuffer.allocate(data.length);
        return TcpStream.connect(host, port).then(s -> Futures.join(s.writeAll(ByteBuffer.wrap(data)),
                        s.readExact(back))
                .map(v -> {
                    s.close();
                    return back.array();
                }));
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void echoOverTheSimulatedNetworkTakesExactlyTheLinkLatency() {
        Simulation sim = Simulation.builder().seed(1).latency(Duration.ofMillis(10)).build();
        byte[] data = bytes(1000, 7);
        List<byte[]> got = new ArrayList<>();
        sim.host("server", () -> echoServer(7000));
        sim.client("client", () -> echoOnce("server", 7000, data).map(got::add));
        Simulation.Result r = sim.run();
        assertArrayEquals(data, got.getFirst());
        // SYN 10 ms + SYN-ACK 10 ms, then the data 10 ms there and 10 ms back: 40 ms of simulated time, exactly
        assertEquals(Duration.ofMillis(40), r.elapsed());
    }

    @Test
    void bigTransfersRespectTheWindowAndArriveWhole() {
        Simulation sim = Simulation.builder().seed(2).latency(Duration.ofMillis(1)).jitter(Duration.ofMillis(2))
                .build();
        byte[] data = bytes(1 << 20, 3); // 16 windows' worth
        List<byte[]> got = new ArrayList<>();
        sim.host("server", () -> echoServer(7000));
        sim.client("client", () -> echoOnce("server", 7000, data).map(got::add));
        sim.run();
        assertArrayEquals(data, got.getFirst());
    }

    /** Four clients racing through jittered links: a workload with many choices for the determinism checks. */
    static Simulation busy(long seed) {
        Simulation sim = Simulation.builder().seed(seed).latency(Duration.ofMillis(1)).jitter(Duration.ofMillis(5))
                .loss(0.05).build();
        sim.host("server", () -> echoServer(7000));
        for (int c = 0; c < 4; c++) {
            int id = c;
            sim.client("client" + c, () -> echoOnce("server", 7000, bytes(5000, id))
                    .then(b -> echoOnce("server", 7000, bytes(300, id + 10))));
        }
        return sim;
    }

    @Test
    void theSameSeedMakesTheSameRunAHundredTimes() {
        Simulation.Result first = busy(42).run();
        for (int i = 0; i < 100; i++) {
            Simulation.Result again = busy(42).run();
            assertEquals(first.traceHash(), again.traceHash(), "run " + i + " of seed 42 differs");
            assertEquals(first.traceEvents(), again.traceEvents());
            assertEquals(first.elapsed(), again.elapsed());
        }
        Set<Long> hashes = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            hashes.add(Simulation.checkDeterministic(seed, SimulationTest::busy).traceHash());
        }
        assertTrue(hashes.size() >= 9, "different seeds make different choices: " + hashes.size() + " of 10");
    }

    @Test
    void theSeededSchedulerOrdersRacingTasksBySeed() {
        Set<String> orders = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            String first = raceOrder(seed);
            assertEquals(first, raceOrder(seed), "seed " + seed);
            orders.add(first);
        }
        assertTrue(orders.size() > 1, "seeds choose different interleavings: " + orders);
    }

    private static String raceOrder(long seed) {
        Simulation sim = Simulation.builder().seed(seed).build();
        StringBuilder order = new StringBuilder();
        sim.client("client", () -> {
            List<Future<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int id = i;
                tasks.add(Task.spawn(Task.yieldNow().map(v -> {
                    order.append(id);
                    return id;
                })));
            }
            return Futures.joinAll(tasks);
        });
        sim.run();
        return order.toString();
    }

    @Test
    void aPartitionHoldsTcpUntilHealedAndDropsDatagrams() {
        Simulation sim = Simulation.builder().seed(3).latency(Duration.ofMillis(5)).build();
        List<Duration> replyAt = new ArrayList<>();
        List<Integer> datagrams = new ArrayList<>();
        sim.host("server", () -> Futures.join(echoServer(7000), udpSink(9000, datagrams)));
        sim.client("client", () -> TcpStream.connect("server", 7000).then(s -> {
            sim.partition("client", "server");
            Future<Void> sent = udpSend("server", 9000, 10); // lost: the link is cut
            ByteBuffer back = ByteBuffer.allocate(4);
            Future<Void> heal = Sleep.sleep(Duration.ofSeconds(1)).map(v -> {
                sim.heal("client", "server");
                return null;
            });
            Future<Void> echo = s.writeAll(ByteBuffer.wrap(new byte[]{1, 2, 3, 4})).then(v -> s.readExact(back))
                    .map(v -> {
                        replyAt.add(sim.elapsed());
                        s.close();
                        return null;
                    });
            return Futures.join(sent, Futures.join(heal, echo));
        }));
        sim.run();
        assertTrue(replyAt.getFirst().compareTo(Duration.ofSeconds(1)) >= 0, "the echo waited for the heal: "
                + replyAt);
        assertEquals(List.of(), datagrams, "datagrams sent across a partition are lost");
    }

    static Future<Void> udpSink(int port, List<Integer> got) {
        UdpSocket u = UdpSocket.bind(new InetSocketAddress(port));
        ByteBuffer buf = ByteBuffer.allocate(16);
        return Futures.pollFn(cx -> {
            for (; ; ) {
                buf.clear();
                SocketAddress from = u.pollReceiveFrom(cx, buf);
                if (from == null) {
                    return Poll.pending();
                }
                got.add(buf.flip().getInt());
            }
        });
    }

    static Future<Void> udpSend(String host, int port, int count) {
        return Futures.lazy(() -> {
            UdpSocket u = UdpSocket.bind(new InetSocketAddress(0));
            SocketAddress to = InetSocketAddress.createUnresolved(host, port);
            for (int i = 0; i < count; i++) {
                // a simulated send never waits: the datagram leaves at once (or is lost on the way)
                assertEquals(4, u.pollSendTo(io.cortado.Context.of(() -> { }), ByteBuffer.allocate(4).putInt(i).flip(),
                        to));
            }
            u.close();
            return null;
        });
    }

    @Test
    void heldDatagramsAreReleasedReorderedAndLossIsSeeded() {
        List<Integer> got = new ArrayList<>();
        Simulation sim = Simulation.builder().seed(5).build();
        sim.host("sink", () -> udpSink(9000, got));
        sim.client("source", () -> Futures.lazy(() -> {
            sim.hold("source", "sink");
            return null;
        }).then(v -> udpSend("sink", 9000, 20)).then(v -> Sleep.sleep(Duration.ofMillis(50))).map(v -> {
            assertEquals(List.of(), got, "held, not delivered");
            sim.release("source", "sink");
            return null;
        }).then(v -> Sleep.sleep(Duration.ofMillis(50))));
        sim.run();
        assertEquals(20, got.size(), "every held datagram delivered: " + got);
        assertEquals(Set.copyOf(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)),
                Set.copyOf(got));
        assertNotEquals(List.copyOf(new java.util.TreeSet<>(got)), got, "released in a shuffled order");

        int lost1 = lossyCount(9);
        assertEquals(lost1, lossyCount(9), "loss is drawn from the seed");
        assertTrue(lost1 > 300 && lost1 < 700, "about half of 1,000 datagrams arrive at loss 0.5: " + lost1);
    }

    private static int lossyCount(long seed) {
        List<Integer> got = new ArrayList<>();
        Simulation sim = Simulation.builder().seed(seed).loss(0.5).build();
        sim.host("sink", () -> udpSink(9000, got));
        sim.client("source", () -> udpSend("sink", 9000, 1000).then(v -> Sleep.sleep(Duration.ofMillis(10))));
        sim.run();
        return got.size();
    }

    @Test
    void aCrashedHostIsSilentThenResetsOldConnectionsAfterItsRestart() {
        Simulation sim = Simulation.builder().seed(11).latency(Duration.ofMillis(2)).build();
        List<String> log = new ArrayList<>();
        sim.host("server", () -> echoServer(7000));
        sim.client("client", () -> TcpStream.connect("server", 7000).then(s -> {
            sim.crash("server");
            return TcpStream.connect(InetSocketAddress.createUnresolved("server", 7000), Duration.ofMillis(500))
                    .map(x -> "connected to a crashed host?")
                    .orElse(e -> {
                        log.add(e.getCause().getClass().getSimpleName());
                        return "timed out";
                    })
                    .then(x -> {
                        sim.restart("server");
                        return echoOnce("server", 7000, bytes(10, 1)); // the restarted server serves again
                    })
                    .then(b -> {
                        log.add("echo " + b.length);
                        return s.writeAll(ByteBuffer.wrap(bytes(10, 2))).then(v -> s.read(ByteBuffer.allocate(10)));
                    })
                    .orElse(e -> {
                        log.add(e.getCause() instanceof ConnectionResetException ? "reset" : e.toString());
                        return -2;
                    });
        }));
        sim.run();
        assertEquals(List.of(SocketTimeoutException.class.getSimpleName(), "echo 10", "reset"), log);
    }

    @Test
    void aConnectWaitingOnADownHostReachesItOnceItIsBack() {
        Simulation sim = Simulation.builder().seed(12).latency(Duration.ofMillis(2)).build();
        sim.host("server", () -> echoServer(7000));
        List<Duration> echoedAt = new ArrayList<>();
        sim.client("client", () -> Futures.lazy(() -> {
            sim.crash("server");
            return null;
        }).then(v -> Futures.join(
                echoOnce("server", 7000, bytes(8, 1)).map(b -> echoedAt.add(sim.elapsed())), // no time-out of its own
                Sleep.sleep(Duration.ofSeconds(2)).map(x -> {
                    sim.restart("server");
                    return null;
                }))));
        sim.run();
        assertTrue(echoedAt.getFirst().compareTo(Duration.ofSeconds(2)) >= 0, "SYNs were sent again until the "
                + "server was back: " + echoedAt);
    }

    @Test
    void aJoinSetAbortsItsMembersInTheSameOrderEveryRun() {
        String first = joinSetCancelOrder(5);
        assertEquals(20, first.split(" ").length, "every member cancelled: " + first);
        for (int i = 0; i < 10; i++) {
            assertEquals(first, joinSetCancelOrder(5), "same seed, same cancel order");
        }
    }

    private static String joinSetCancelOrder(long seed) {
        Simulation sim = Simulation.builder().seed(seed).build();
        StringBuilder order = new StringBuilder();
        sim.client("client", () -> Futures.lazy(() -> {
            io.cortado.JoinSet<Integer> set = new io.cortado.JoinSet<>();
            for (int i = 0; i < 20; i++) {
                int id = i;
                set.spawn(new Future<Integer>() {
                    @Override
                    public Poll<Integer> poll(io.cortado.Context cx) {
                        return Poll.pending();
                    }

                    @Override
                    public void cancel() {
                        order.append(id).append(' ');
                    }
                });
            }
            return set;
        }).then(set -> Task.yieldNow().map(v -> {
            set.close();
            return null;
        })).then(v -> Task.yieldNow()));
        sim.run();
        return order.toString();
    }

    @Test
    void aRefusedConnectAndAnUnknownHostAreClearErrors() {
        Simulation sim = Simulation.builder().seed(4).build();
        List<Throwable> errors = new ArrayList<>();
        sim.host("server", () -> Futures.pending());
        sim.client("client", () -> TcpStream.connect("server", 1234).map(s -> (Object) s)
                .orElse(e -> errors.add(e.getCause()))
                .then(x -> TcpStream.connect("nowhere", 80).map(s -> (Object) s).orElse(e -> errors.add(
                        e.getCause()))));
        sim.run();
        assertInstanceOf(java.net.ConnectException.class, errors.get(0));
        assertInstanceOf(java.net.UnknownHostException.class, errors.get(1));
    }

    @Test
    void failuresNameTheirSeedAndTheTimeLimitCatchesHangs() {
        Simulation failing = Simulation.builder().seed(77).build();
        failing.client("client", () -> Futures.failed(new IllegalStateException("boom")));
        SimulationFailure f = assertThrows(SimulationFailure.class, failing::run);
        assertEquals(77, f.seed());
        assertTrue(f.getMessage().contains("seed 77") && f.getMessage().contains("boom"), f.getMessage());

        Simulation hung = Simulation.builder().seed(78).timeLimit(Duration.ofMinutes(5)).build();
        hung.client("client", Futures::pending);
        SimulationFailure h = assertThrows(SimulationFailure.class, hung::run);
        assertTrue(h.getMessage().contains("time limit"), h.getMessage());

        Simulation noClient = Simulation.builder().build();
        noClient.host("server", Futures::pending);
        assertThrows(IllegalStateException.class, noClient::run);
        assertThrows(IllegalArgumentException.class, () -> Simulation.builder().loss(1.0));
        assertThrows(IllegalArgumentException.class, () -> Simulation.builder().latency(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> noClient.partition("server", "nobody"));
    }

    @Test
    void tasksSpawnedByAHostBelongToItAndOutsideCodeHasNoHost() {
        Simulation sim = Simulation.builder().build();
        List<String> seen = new ArrayList<>();
        sim.client("client", () -> Futures.lazy(() -> Simulation.currentHost().name()).then(name -> {
            seen.add(name);
            return Task.spawn(Futures.lazy(() -> seen.add(Simulation.currentHost().name() + " child")));
        }));
        sim.run();
        assertEquals(List.of("client", "client child"), seen);
        IllegalStateException e = assertThrows(IllegalStateException.class, Simulation::currentHost);
        assertTrue(e.getMessage().contains("Simulation.host"), e.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------
    // A planted race, found by the sweep and reproduced by its seed

    /**
     * Two tasks increment a shared counter with a read, a yield, and a write: an update is lost only when the
     * scheduler runs the second read between the first read and its write, which some seeds do.
     */
    static Simulation lostUpdate(long seed) {
        Simulation sim = Simulation.builder().seed(seed).build();
        int[] counter = {0};
        sim.client("client", () -> {
            List<Future<Void>> incs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                incs.add(Task.spawn(Futures.lazy(() -> counter[0]).then(v -> Task.yieldNow().map(y -> {
                    counter[0] = v + 1;
                    return null;
                }))));
            }
            return Futures.joinAll(incs).map(v -> {
                if (counter[0] != 2) {
                    throw new AssertionError("lost update: counter = " + counter[0]);
                }
                return null;
            });
        });
        return sim;
    }

    @Test
    void theSeedSweepFindsThePlantedRaceAndOneSeedReproducesIt() {
        SeedSweep.Report report = SeedSweep.run(0, SeedSweep.seeds(200), SimulationTest::lostUpdate);
        assertFalse(report.passed(), "the sweep finds the lost update");
        assertTrue(report.failingSeeds().size() < report.runs(), "and some seeds pass: "
                + report.failingSeeds().size());
        long bad = report.failingSeeds().getFirst();
        for (int i = 0; i < 5; i++) {
            SimulationFailure again = assertThrows(SimulationFailure.class, () -> lostUpdate(bad).run());
            assertEquals(report.failures().get(bad).traceHash(), again.traceHash(), "seed " + bad + " reproduces");
            assertTrue(again.getMessage().contains("lost update"), again.getMessage());
        }
        AssertionError summary = assertThrows(AssertionError.class, report::assertNoFailures);
        assertTrue(summary.getMessage().contains(String.valueOf(bad)), summary.getMessage());
        long good = 0;
        while (report.failingSeeds().contains(good)) {
            good++;
        }
        lostUpdate(good).run();
        Simulation.checkDeterministic(bad, SimulationTest::lostUpdate);
    }
}
