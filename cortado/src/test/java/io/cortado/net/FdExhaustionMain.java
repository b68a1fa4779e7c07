package io.cortado.net;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.io.TooManyOpenFilesException;
import io.cortado.time.Sleep;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link FdExhaustionTest} in a child JVM with a small descriptor limit: opens connections to its own echo
 * server until the process runs out of descriptors, checks the failure is a {@link TooManyOpenFilesException},
 * frees some, and checks the server (whose accepts also failed meanwhile) serves again. Prints {@code OK ...}.
 */
public final class FdExhaustionMain {
    private FdExhaustionMain() {
    }

    /** An accept loop that survives failed accepts: it counts them and retries a little later. */
    static Future<Void> resilientEchoServer(TcpListener l, AtomicInteger acceptFailures) {
        return new Future<>() {
            private Sleep backoff;

            @Override
            public Poll<Void> poll(Context cx) {
                for (; ; ) {
                    if (backoff != null) {
                        if (!backoff.poll(cx).isReady()) {
                            return Poll.pending();
                        }
                        backoff = null;
                    }
                    TcpStream s;
                    try {
                        s = l.pollAccept(cx);
                    } catch (UncheckedIOException e) {
                        if (!(e.getCause() instanceof TooManyOpenFilesException)) {
                            throw e;
                        }
                        acceptFailures.incrementAndGet();
                        backoff = Sleep.sleep(Duration.ofMillis(5));
                        continue;
                    }
                    if (s == null) {
                        return Poll.pending();
                    }
                    Task.spawn(NetSupport.echo(s));
                }
            }
        };
    }

    public static void main(String[] args) {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            TcpListener l = TcpListener.bind(rt.handle(), NetSupport.ANY_LOOPBACK, 4096);
            AtomicInteger acceptFailures = new AtomicInteger();
            rt.spawn(resilientEchoServer(l, acceptFailures));
            List<TcpStream> open = new ArrayList<>();
            UncheckedIOException exhausted = null;
            while (exhausted == null && open.size() < 100_000) {
                try {
                    open.add(rt.blockOn(TcpStream.connect(l.localAddress())));
                } catch (UncheckedIOException e) {
                    exhausted = e;
                }
            }
            if (exhausted == null || !(exhausted.getCause() instanceof TooManyOpenFilesException)) {
                throw new AssertionError("expected TooManyOpenFilesException, got " + exhausted, exhausted);
            }
            // free half the descriptors: the server's backed-off accepts succeed again and everyone is served
            for (int i = 0; i < open.size() / 2; i++) {
                open.get(i).close();
            }
            int served = 0;
            for (int i = open.size() / 2; i < open.size(); i++) {
                TcpStream s = open.get(i);
                ByteBuffer in = ByteBuffer.allocate(4);
                rt.blockOn(s.writeAll(ByteBuffer.wrap(new byte[]{1, 2, 3, 4})).then(v -> s.readExact(in)));
                served++;
            }
            TcpStream late = rt.blockOn(TcpStream.connect(l.localAddress()));
            ByteBuffer in = ByteBuffer.allocate(2);
            rt.blockOn(late.writeAll(ByteBuffer.wrap(new byte[]{9, 9})).then(v -> late.readExact(in)));
            System.out.println("OK opened=" + open.size() + " served=" + served + " acceptFailures="
                    + acceptFailures.get() + " cause=" + exhausted.getCause().getMessage());
        }
    }
}
