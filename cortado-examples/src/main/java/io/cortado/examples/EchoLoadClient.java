package io.cortado.examples;

import io.cortado.Future;
import io.cortado.async.Async;
import io.cortado.net.TcpStream;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static io.cortado.async.Async.await;

/**
 * One client of the demo's load step: connects to an echo server, then sends a message and waits for its echo,
 * again and again until the deadline, recording each round trip's latency. An async method: the loop below is
 * compiled into a state machine that suspends at each {@code await} (the reads and writes spend the task's
 * cooperative budget, so a client whose socket is always ready still yields to the other 199).
 */
final class EchoLoadClient {
    private EchoLoadClient() {
    }

    /** @return the future of the round trips' latencies, in nanoseconds */
    static Future<long[]> run(InetSocketAddress server, int messageSize, long deadlineNanos) {
        ByteBuffer out = ByteBuffer.allocate(messageSize);
        ByteBuffer in = ByteBuffer.allocate(messageSize);
        long[] latencies = new long[1024];
        int count = 0;
        try (TcpStream stream = await(TcpStream.connect(server))) { // closing it ends the server's copy
            stream.setNoDelay(true);
            long now;
            do {
                long sentAt = System.nanoTime();
                await(stream.writeAll(out.clear()));
                await(stream.readExact(in.clear())); // an EOFException if the server hung up
                now = System.nanoTime();
                if (count == latencies.length) {
                    latencies = Arrays.copyOf(latencies, 2 * count);
                }
                latencies[count++] = now - sentAt;
            } while (now - deadlineNanos < 0);
        }
        return Async.done(Arrays.copyOf(latencies, count));
    }
}
