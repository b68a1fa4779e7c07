package io.cortado.net;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reactor under many threads: clients and echo handlers spread over four workers, stolen between them, with
 * readers and writers of one socket in different tasks, so readiness reports, wake-ups and interest changes race
 * every way the selector and the workers allow. Any lost wake-up hangs a client (and the test's time limit fails
 * it); any corrupted byte fails a check. {@code -Pstress} multiplies the rounds.
 */
class IoStressTest extends RuntimeTestBase {

    /** Writes {@code rounds} messages of random sizes and checks each comes back byte for byte. */
    static final class PingPong implements Future<Integer> {
        private final TcpStream s;
        private final SplittableRandom rnd;
        private final int rounds;
        private ByteBuffer out;
        private ByteBuffer in;
        private int done;
        private int yields;
        /** Polls that ended waiting for the echo (the reactor must wake them): read after the task's join. */
        int readWaits;
        /** Threads that polled this client. */
        final java.util.Set<String> threads = new java.util.HashSet<>();

        PingPong(TcpStream s, long seed, int rounds) {
            this.s = s;
            this.rnd = new SplittableRandom(seed);
            this.rounds = rounds;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            threads.add(Thread.currentThread().getName());
            for (; ; ) {
                if (out == null) {
                    if (done == rounds) {
                        s.close();
                        return Poll.ready(done);
                    }
                    byte[] msg = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 64 : 200_000)];
                    rnd.nextBytes(msg);
                    out = ByteBuffer.wrap(msg);
                    in = ByteBuffer.allocate(msg.length);
                    if (rnd.nextInt(4) == 0 && yields++ % 2 == 0) { // hop: let another worker take this task
                        cx.waker().wake();
                        return Poll.pending();
                    }
                }
                // write and read interleaved: a large message cannot be written before some of it is read back
                while (out.hasRemaining() && s.pollWrite(cx, out) != AsyncRead.PENDING) {
                    // keep writing while the socket takes bytes
                }
                int n;
                while (in.hasRemaining() && (n = s.pollRead(cx, in)) != AsyncRead.PENDING) {
                    if (n == AsyncRead.EOF) {
                        throw new AssertionError("echo ended early");
                    }
                }
                if (in.hasRemaining()) {
                    readWaits++;
                    return Poll.pending();
                }
                if (!java.util.Arrays.equals(out.array(), in.array())) {
                    throw new AssertionError("corrupted echo in round " + done);
                }
                out = null;
                done++;
            }
        }

        @Override
        public void cancel() {
            s.close();
        }
    }

    @Test
    void hundredsOfConnectionsPingPongAcrossFourWorkers() {
        int clients = 64;
        int rounds = 20 * stressScale();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
            TcpListener l = TcpListener.bind(rt.handle(), NetSupport.ANY_LOOPBACK, 1024);
            AtomicInteger accepted = new AtomicInteger();
            rt.spawn(NetSupport.echoServer(l, accepted));
            List<JoinHandle<Integer>> all = new ArrayList<>();
            List<PingPong> pingPongs = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < clients; i++) {
                long seed = i;
                all.add(rt.spawn(TcpStream.connect(l.localAddress()).then(s -> {
                    PingPong p = new PingPong(s, seed, rounds);
                    pingPongs.add(p);
                    return p;
                })));
            }
            for (JoinHandle<Integer> h : all) {
                assertEquals(rounds, rt.blockOn(h), "every round's echo came back intact");
            }
            assertEquals(clients, accepted.get());
            // what the test exists for must have happened: clients waited for the reactor's wake-ups, and moved
            // between workers while doing so
            long waits = pingPongs.stream().mapToLong(p -> p.readWaits).sum();
            long migrated = pingPongs.stream().filter(p -> p.threads.size() >= 2).count();
            long threads = pingPongs.stream().flatMap(p -> p.threads.stream()).distinct().count();
            assertTrue(waits >= clients, "clients waited for echoes " + waits + " times");
            assertTrue(migrated >= 1 && threads >= 2,
                    migrated + " clients polled on more than one worker, " + threads + " workers in all");
            l.close();
        }
    }

    @Test
    void splitReadersAndWritersInSeparateTasksOnTwoWorkers() {
        int connections = 16;
        int bytes = 2_000_000 * stressScale();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            TcpListener l = TcpListener.bind(rt.handle(), NetSupport.ANY_LOOPBACK, 1024);
            rt.spawn(NetSupport.echoServer(l, new AtomicInteger()));
            List<JoinHandle<Long>> sums = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                TcpStream c = rt.blockOn(TcpStream.connect(l.localAddress()));
                Halves h = c.split();
                byte[] data = new byte[bytes];
                new SplittableRandom(i).nextBytes(data);
                long expected = checksum(data, data.length);
                rt.spawn(h.writer().writeAll(ByteBuffer.wrap(data)));
                ByteBuffer in = ByteBuffer.allocate(bytes);
                sums.add(rt.spawn(h.reader().readExact(in).map(v -> {
                    c.close();
                    return checksum(in.array(), in.position()) == expected ? 1L : 0L;
                })));
            }
            long ok = 0;
            for (JoinHandle<Long> s : sums) {
                ok += rt.blockOn(s);
            }
            assertEquals(connections, ok);
            l.close();
        }
    }

    private static long checksum(byte[] b, int n) {
        long h = 1125899906842597L;
        for (int i = 0; i < n; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }
}
