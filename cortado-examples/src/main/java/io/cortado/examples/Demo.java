package io.cortado.examples;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Either;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.JoinSet;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.examples.net.EchoServer;
import io.cortado.examples.net.Server;
import io.cortado.sync.Mpsc;
import io.cortado.sync.Oneshot;
import io.cortado.time.TimeoutException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The Cortado demo: a runtime, a few thousand cooperating tasks, and a report of what happened.
 *
 * <ol>
 *   <li>5,000 tasks compute Collatz sequence lengths, yielding to each other every few steps; a {@link JoinSet}
 *       collects them in completion order.</li>
 *   <li>Pairs of tasks are awaited together with {@link Futures#join}, and all pairs with {@link Futures#joinAll}.</li>
 *   <li>{@link Futures#select} races a short computation against an endless one; the loser is aborted.</li>
 *   <li>1,000 tasks that would spin forever are aborted; every handle reports the cancellation.</li>
 *   <li>SHA-256 over 64 MiB runs on the blocking pool while the scheduler keeps running tasks.</li>
 *   <li>Four producers send through a bounded channel to a summing consumer (backpressure), and a timeout ends the
 *       wait for a one-shot nobody answers.</li>
 *   <li>Networking: the {@link EchoServer} starts on loopback inside the runtime, and {@value #LOAD_CLIENTS} client
 *       tasks ({@link EchoLoadClient}) each send a 64-byte message and wait for its echo, over and over, for a fixed
 *       time (3 s; {@code -Dcortado.demo.loadMillis=...} changes it); the report gives the requests per second and
 *       the latency percentiles. Then the clients hang up and the server is closed.</li>
 * </ol>
 * Run it with {@code ./mvnw -q -Pdemo -DskipTests install} (the README's demo command).
 */
public final class Demo {
    /** How many concurrent clients the network step runs. */
    static final int LOAD_CLIENTS = 200;
    /** The system property giving the network step's duration in milliseconds (default 3000). */
    static final String LOAD_MILLIS = "cortado.demo.loadMillis";

    private Demo() {
    }

    public static void main(String[] args) {
        long start = System.nanoTime();
        String report = AsyncRuntime.run(Futures.lazy(() -> 0).then(ignored -> program()));
        System.out.println(report);
        System.out.printf("demo finished in %.1f ms%n", (System.nanoTime() - start) / 1e6);
    }

    /** The whole program, as a chain of steps on the main future. */
    private static Future<String> program() {
        StringBuilder out = new StringBuilder("Cortado demo (" + io.cortado.Handle.current().flavor() + " runtime, "
                + Runtime.getRuntime().availableProcessors() + " workers)\n");
        long t0 = System.nanoTime();

        // 1. A JoinSet of 5,000 cooperating tasks.
        JoinSet<Integer> set = new JoinSet<>();
        for (int n = 1; n <= 5_000; n++) {
            set.spawn(new Collatz(n, 8));
        }
        int spawned = set.size();
        return set.joinAll().then(lengths -> {
            int longest = lengths.stream().mapToInt(Integer::intValue).max().orElse(0);
            long sum = lengths.stream().mapToLong(Integer::longValue).sum();
            out.append(String.format("  joinset : %d tasks joined in completion order, total %d steps, longest %d "
                    + "(%.1f ms)%n", spawned, sum, longest, ms(t0)));
            set.close();

            // 2. join pairs, then joinAll over the pairs.
            long t1 = System.nanoTime();
            List<Future<Integer>> pairs = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                JoinHandle<Integer> a = Task.spawn(new Collatz(27 + i, 4));
                JoinHandle<Integer> b = Task.spawn(new Collatz(97 + i, 4));
                pairs.add(Futures.join(a, b).map(p -> p.first() + p.second()));
            }
            return Futures.joinAll(pairs).map(sums -> {
                out.append(String.format("  join    : %d pairs of tasks joined, sum of steps %d (%.1f ms)%n",
                        sums.size(), sums.stream().mapToLong(Integer::longValue).sum(), ms(t1)));
                return out;
            });
        }).then(o -> {
            // 3. select: a short computation races one that never ends; the loser is aborted.
            long t2 = System.nanoTime();
            JoinHandle<Integer> slow = Task.spawn(new Collatz(Integer.MAX_VALUE, 0));
            JoinHandle<Integer> fast = Task.spawn(new Collatz(7, 1));
            return Futures.select(slow.abortOnCancel(), fast.abortOnCancel()).map(winner -> {
                String who = switch (winner) {
                    case Either.Left<Integer, Integer> l -> "the endless task (" + l.value() + " steps)";
                    case Either.Right<Integer, Integer> r -> "7 (" + r.value() + " steps)";
                };
                out.append(String.format("  select  : winner %s; loser aborted: %s (%.1f ms)%n", who,
                        slow.isFinished() ? "finished" : "abort requested", ms(t2)));
                return slow;
            });
        }).then(loser -> settled(loser).then(loserOutcome -> {
            out.append("  select  : loser's handle says: ").append(loserOutcome).append('\n');
            // 4. abort 1,000 tasks that would never finish.
            long t3 = System.nanoTime();
            List<JoinHandle<Integer>> spinners = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                spinners.add(Task.spawn(new Collatz(Integer.MAX_VALUE, 0)));
            }
            return Task.yieldNow().then(v -> {
                spinners.forEach(JoinHandle::abort);
                List<Future<String>> outcomes = new ArrayList<>();
                for (JoinHandle<Integer> h : spinners) {
                    outcomes.add(settled(h));
                }
                return Futures.joinAll(outcomes);
            }).map(results -> {
                long cancelled = results.stream().filter(s -> s.equals("cancelled")).count();
                out.append(String.format("  abort   : %d endless tasks aborted, %d handles report cancelled "
                        + "(%.1f ms)%n", results.size(), cancelled, ms(t3)));
                return out;
            });
        })).then(o -> {
            // 5. blocking work next to running tasks.
            long t4 = System.nanoTime();
            List<JoinHandle<String>> digests = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int seed = i;
                digests.add(Task.spawnBlocking(() -> sha256(seed, 16 << 20)));
            }
            JoinHandle<Integer> meanwhile = Task.spawn(new Collatz(871, 1));
            return Futures.join(Futures.joinAll(digests), meanwhile).map(both -> {
                out.append(String.format("  blocking: 4 x SHA-256 over 16 MiB on the blocking pool, first %s...; "
                        + "a task ran meanwhile (%d steps) (%.1f ms)%n",
                        both.first().getFirst().substring(0, 16), both.second(), ms(t4)));
                return out;
            });
        }).then(o -> {
            // 6. channels and timers: producers through a bounded channel, a deadline, a timeout.
            long t5 = System.nanoTime();
            Mpsc.Channel<Integer> ch = Mpsc.bounded(64);
            List<Mpsc.Sender<Integer>> senders = new ArrayList<>();
            senders.add(ch.sender());
            for (int i = 1; i < 4; i++) {
                senders.add(ch.sender().duplicate());
            }
            for (Mpsc.Sender<Integer> tx : senders) {
                Task.spawn(new Producer(tx, 10_000));
            }
            Oneshot.Channel<String> never = Oneshot.channel();
            Future<String> late = never.receiver().timeout(Duration.ofMillis(20));
            return Futures.join(new Summer(ch.receiver()), settledText(late)).map(both -> {
                out.append(String.format("  channels: 4 producers x 10000 through a bounded(64) channel, sum %d; "
                        + "a one-shot nobody answers: %s (%.1f ms)%n", both.first(), both.second(), ms(t5)));
                return out;
            });
        }).then(o -> {
            // 7. networking: an echo server and 200 client tasks on loopback, request/response for a fixed time.
            Duration length = Duration.ofMillis(Long.getLong(LOAD_MILLIS, 3_000));
            Server echo = EchoServer.start(io.cortado.Handle.current(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            long t6 = System.nanoTime();
            List<JoinHandle<long[]>> clients = new ArrayList<>();
            for (int i = 0; i < LOAD_CLIENTS; i++) {
                clients.add(Task.spawn(new EchoLoadClient(echo.localAddress(), 64, t6 + length.toNanos())));
            }
            return Futures.joinAll(clients).map(perClient -> {
                double seconds = (System.nanoTime() - t6) / 1e9;
                echo.close(); // the clients have hung up; this stops the accept loop and any connection left
                out.append(loadReport(perClient, seconds)).append('\n');
                return out.append(String.format("  total   : %.1f ms", ms(t0))).toString();
            });
        });
    }

    /** @return the network step's line: requests per second and latency percentiles over every request */
    private static String loadReport(List<long[]> perClient, double seconds) {
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return String.format(Locale.ROOT, "  network : echo server + %d clients on loopback for %.1f s: "
                        + "%d requests, %.0f req/s; latency p50 %.3f ms, p99 %.3f ms, max %.3f ms",
                perClient.size(), seconds, all.length, all.length / seconds,
                percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, all[all.length - 1] / 1e6);
    }

    /** @return the nearest-rank percentile {@code p} of {@code sorted} (ascending, non-empty) */
    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** A future of how {@code f} ended: its value, or the kind of failure. */
    private static Future<String> settledText(Future<String> f) {
        return cx -> {
            try {
                Poll<String> p = f.poll(cx);
                return p.isReady() ? Poll.ready("value " + p.value()) : Poll.pending();
            } catch (TimeoutException e) {
                return Poll.ready("timed out after 20 ms");
            }
        };
    }

    /** Sends {@code 1..n} into a bounded channel, waiting whenever it is full, then closes its sender. */
    static final class Producer implements Future<Void> {
        private final Mpsc.Sender<Integer> tx;
        private final int n;
        private int next = 1;
        private Future<Void> sending;

        Producer(Mpsc.Sender<Integer> tx, int n) {
            this.tx = tx;
            this.n = n;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            while (next <= n) {
                if (sending == null) {
                    sending = tx.send(next);
                }
                if (!sending.poll(cx).isReady()) {
                    return Poll.pending(); // the channel is full: backpressure
                }
                sending = null;
                next++;
            }
            tx.close();
            return Poll.ready(null);
        }
    }

    /** Sums what a channel delivers until the end of the stream. */
    static final class Summer implements Future<Long> {
        private final Mpsc.Receiver<Integer> rx;
        private long sum;

        Summer(Mpsc.Receiver<Integer> rx) {
            this.rx = rx;
        }

        @Override
        public Poll<Long> poll(Context cx) {
            for (; ; ) {
                Poll<Integer> p = rx.pollRecv(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                if (p.value() == null) {
                    return Poll.ready(sum);
                }
                sum += p.value();
            }
        }
    }

    /** A future that completes with a readable description of how the task ended. */
    private static Future<String> settled(JoinHandle<Integer> handle) {
        return cx -> {
            try {
                Poll<Integer> p = handle.poll(cx);
                return p.isReady() ? Poll.ready("value " + p.value()) : Poll.pending();
            } catch (JoinException e) {
                return Poll.ready(e.isCancelled() ? "cancelled" : "failed: " + e.getCause());
            }
        };
    }

    private static String sha256(int seed, int bytes) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + seed);
        }
        for (int done = 0; done < bytes; done += chunk.length) {
            md.update(chunk);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static double ms(long since) {
        return (System.nanoTime() - since) / 1e6;
    }

    /**
     * Counts the steps of the Collatz sequence from {@code n} to 1, yielding to other tasks every
     * {@code stepsPerPoll} steps. With {@code stepsPerPoll == 0} it never finishes (it only yields): a task to abort.
     */
    static final class Collatz implements Future<Integer> {
        private long value;
        private int steps;
        private final int stepsPerPoll;

        Collatz(long start, int stepsPerPoll) {
            this.value = start;
            this.stepsPerPoll = stepsPerPoll;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            for (int i = 0; i < stepsPerPoll && value != 1; i++) {
                value = (value & 1) == 0 ? value / 2 : 3 * value + 1;
                steps++;
            }
            if (value == 1) {
                return Poll.ready(steps);
            }
            cx.waker().wake(); // yield: let the other tasks run
            return Poll.pending();
        }
    }
}
