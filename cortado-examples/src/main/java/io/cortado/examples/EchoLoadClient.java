package io.cortado.examples;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.net.TcpStream;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One client of the demo's load step: connects to an echo server, then sends a message and waits for its echo,
 * again and again until the deadline, recording each round trip's latency. A poll state machine:
 * <pre>
 *   CONNECTING ──▶ WRITING ──sent──▶ READING ──echo complete──▶ WRITING ... ──deadline──▶ done (latencies)
 * </pre>
 * {@code pollWrite}/{@code pollRead} spend the task's cooperative budget, so a client whose socket is always
 * ready still yields to the other 199 regularly.
 */
final class EchoLoadClient implements Future<long[]> {
    private enum State { CONNECTING, WRITING, READING }

    private final Future<TcpStream> connecting;
    private final long deadline;
    private final ByteBuffer out;
    private final ByteBuffer in;
    private State state = State.CONNECTING;
    private TcpStream stream;
    private long sentAt;
    private long[] latencies = new long[1024];
    private int count;

    EchoLoadClient(InetSocketAddress server, int messageSize, long deadlineNanos) {
        this.connecting = TcpStream.connect(server);
        this.deadline = deadlineNanos;
        this.out = ByteBuffer.allocate(messageSize);
        this.in = ByteBuffer.allocate(messageSize);
    }

    @Override
    public Poll<long[]> poll(Context cx) {
        for (; ; ) {
            switch (state) {
                case CONNECTING -> {
                    Poll<TcpStream> c = connecting.poll(cx);
                    if (!c.isReady()) {
                        return Poll.pending();
                    }
                    stream = c.value();
                    stream.setNoDelay(true);
                    startRequest();
                }
                case WRITING -> {
                    while (out.hasRemaining()) {
                        if (stream.pollWrite(cx, out) == AsyncRead.PENDING) {
                            return Poll.pending();
                        }
                    }
                    state = State.READING;
                }
                case READING -> {
                    while (in.hasRemaining()) {
                        int n = stream.pollRead(cx, in);
                        if (n == AsyncRead.PENDING) {
                            return Poll.pending();
                        }
                        if (n == AsyncRead.EOF) {
                            throw new UncheckedIOException(new EOFException("the echo server hung up"));
                        }
                    }
                    long now = System.nanoTime();
                    if (count == latencies.length) {
                        latencies = Arrays.copyOf(latencies, 2 * count);
                    }
                    latencies[count++] = now - sentAt;
                    if (now - deadline >= 0) {
                        stream.close(); // the server's copy reads the end and finishes its task
                        return Poll.ready(Arrays.copyOf(latencies, count));
                    }
                    startRequest();
                }
            }
        }
    }

    private void startRequest() {
        out.clear();
        in.clear();
        sentAt = System.nanoTime();
        state = State.WRITING;
    }

    @Override
    public void cancel() {
        connecting.cancel();
        if (stream != null) {
            stream.close();
        }
    }
}
