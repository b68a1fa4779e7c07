package io.cortado.examples;

import io.cortado.AsyncRuntime;
import io.cortado.async.Async;
import io.cortado.Either;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.JoinSet;
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

import static io.cortado.async.Async.await;

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

    /**
     * The whole program: an async method (compiled into a state machine by cortado-async-maven-plugin), so each
     * step reads top to bottom and every {@code await} suspends the main task without blocking a thread.
     */
    private static Future<String> program() {
        StringBuilder out = new StringBuilder("Cortado demo (" + io.cortado.Handle.current().flavor() + " runtime, "
                + Runtime.getRuntime().availableProcessors() + " workers)\n");
        long t0 = System.nanoTime();

        // 1. A JoinSet of 5,000 cooperating tasks.
        List<Integer> lengths;
        int spawned;
        try (JoinSet<Integer> set = new JoinSet<>()) {
            for (int n = 1; n <= 5_000; n++) {
                set.spawn(collatz(n, 8));
            }
            spawned = set.size();
            lengths = await(set.joinAll());
        }
        out.append(String.format("  joinset : %d tasks joined in completion order, total %d steps, longest %d "
                        + "(%.1f ms)%n", spawned, lengths.stream().mapToLong(Integer::longValue).sum(),
                lengths.stream().mapToInt(Integer::intValue).max().orElse(0), ms(t0)));

        // 2. join pairs, then joinAll over the pairs.
        long t1 = System.nanoTime();
        List<Future<Integer>> pairs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            JoinHandle<Integer> a = Task.spawn(collatz(27 + i, 4));
            JoinHandle<Integer> b = Task.spawn(collatz(97 + i, 4));
            pairs.add(Futures.join(a, b).map(p -> p.first() + p.second()));
        }
        List<Integer> sums = await(Futures.joinAll(pairs));
        out.append(String.format("  join    : %d pairs of tasks joined, sum of steps %d (%.1f ms)%n",
                sums.size(), sums.stream().mapToLong(Integer::longValue).sum(), ms(t1)));

        // 3. select: a short computation races one that never ends; the loser is aborted.
        long t2 = System.nanoTime();
        JoinHandle<Integer> slow = Task.spawn(collatz(Integer.MAX_VALUE, 0));
        JoinHandle<Integer> fast = Task.spawn(collatz(7, 1));
        String who = switch (await(Futures.select(slow.abortOnCancel(), fast.abortOnCancel()))) {
            case Either.Left<Integer, Integer> l -> "the endless task (" + l.value() + " steps)";
            case Either.Right<Integer, Integer> r -> "7 (" + r.value() + " steps)";
        };
        out.append(String.format("  select  : winner %s; loser aborted: %s (%.1f ms)%n", who,
                slow.isFinished() ? "finished" : "abort requested", ms(t2)));
        out.append("  select  : loser's handle says: ").append(await(settled(slow))).append('\n');

        // 4. abort 1,000 tasks that would never finish.
        long t3 = System.nanoTime();
        List<JoinHandle<Integer>> spinners = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            spinners.add(Task.spawn(collatz(Integer.MAX_VALUE, 0)));
        }
        await(Task.yieldNow());
        spinners.forEach(JoinHandle::abort);
        int cancelled = 0;
        for (JoinHandle<Integer> h : spinners) {
            if (await(settled(h)).equals("cancelled")) {
                cancelled++;
            }
        }
        out.append(String.format("  abort   : %d endless tasks aborted, %d handles report cancelled (%.1f ms)%n",
                spinners.size(), cancelled, ms(t3)));

        // 5. blocking work next to running tasks.
        long t4 = System.nanoTime();
        List<JoinHandle<String>> digests = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int seed = i;
            digests.add(Task.spawnBlocking(() -> sha256(seed, 16 << 20)));
        }
        JoinHandle<Integer> meanwhile = Task.spawn(collatz(871, 1));
        var both = await(Futures.join(Futures.joinAll(digests), meanwhile));
        out.append(String.format("  blocking: 4 x SHA-256 over 16 MiB on the blocking pool, first %s...; "
                        + "a task ran meanwhile (%d steps) (%.1f ms)%n",
                both.first().getFirst().substring(0, 16), both.second(), ms(t4)));

        // 6. channels and timers: producers through a bounded channel, a deadline, a timeout.
        long t5 = System.nanoTime();
        Mpsc.Channel<Integer> ch = Mpsc.bounded(64);
        List<Mpsc.Sender<Integer>> senders = new ArrayList<>();
        senders.add(ch.sender());
        for (int i = 1; i < 4; i++) {
            senders.add(ch.sender().duplicate());
        }
        for (Mpsc.Sender<Integer> tx : senders) {
            Task.spawn(produce(tx, 10_000));
        }
        Oneshot.Channel<String> never = Oneshot.channel();
        String late;
        try {
            late = "value " + await(never.receiver().timeout(Duration.ofMillis(20)));
        } catch (TimeoutException e) {
            late = "timed out after 20 ms";
        }
        long sum = await(sum(ch.receiver()));
        out.append(String.format("  channels: 4 producers x 10000 through a bounded(64) channel, sum %d; "
                + "a one-shot nobody answers: %s (%.1f ms)%n", sum, late, ms(t5)));

        // 7. networking: an echo server and 200 client tasks on loopback, request/response for a fixed time.
        Duration length = Duration.ofMillis(Long.getLong(LOAD_MILLIS, 3_000));
        try (Server echo = EchoServer.start(io.cortado.Handle.current(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            long t6 = System.nanoTime();
            List<JoinHandle<long[]>> clients = new ArrayList<>();
            for (int i = 0; i < LOAD_CLIENTS; i++) {
                clients.add(Task.spawn(EchoLoadClient.run(echo.localAddress(), 64, t6 + length.toNanos())));
            }
            List<long[]> perClient = await(Futures.joinAll(clients));
            out.append(loadReport(perClient, (System.nanoTime() - t6) / 1e9)).append('\n');
        } // the clients have hung up; closing stops the accept loop and any connection left
        return Async.done(out.append(String.format("  total   : %.1f ms", ms(t0))).toString());
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

    /** Sends {@code 1..n} into a bounded channel, waiting whenever it is full (backpressure), then closes it. */
    static Future<Void> produce(Mpsc.Sender<Integer> tx, int n) {
        for (int i = 1; i <= n; i++) {
            await(tx.send(i));
        }
        tx.close();
        return Async.done(null);
    }

    /** Sums what a channel delivers until every sender is closed. */
    static Future<Long> sum(Mpsc.Receiver<Integer> rx) {
        long sum = 0;
        for (Integer v; (v = await(rx.recv())) != null; ) {
            sum += v;
        }
        return Async.done(sum);
    }

    /** A future that completes with a readable description of how the task ended. */
    private static Future<String> settled(JoinHandle<Integer> handle) {
        try {
            return Async.done("value " + await(handle));
        } catch (JoinException e) { // a failed awaited future throws at the await
            return Async.done(e.isCancelled() ? "cancelled" : "failed: " + e.getCause());
        }
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
     * {@code stepsPerYield} steps. With {@code stepsPerYield == 0} it never finishes (it only yields): a task to
     * abort.
     */
    static Future<Integer> collatz(long n, int stepsPerYield) {
        long value = n;
        int steps = 0;
        while (value != 1) {
            for (int i = 0; i < stepsPerYield && value != 1; i++) {
                value = (value & 1) == 0 ? value / 2 : 3 * value + 1;
                steps++;
            }
            if (value != 1) {
                await(Task.yieldNow()); // let the other tasks run
            }
        }
        return Async.done(steps);
    }
}
