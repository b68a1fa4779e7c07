package io.cortado.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.io.TooManyOpenFilesException;
import io.cortado.trace.Event;
import io.cortado.trace.Level;
import io.cortado.trace.Subscriber;
import io.cortado.trace.Tracing;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run by {@link FdExhaustionTest} in a child JVM limited to 256 descriptors: an echo server accepting with
 * {@link TcpListener#acceptRetrying()} while the process is out of descriptors and {@value #QUEUED} clients wait in
 * its backlog. Checks, and prints as {@code OK ...}:
 * <ol>
 *   <li>the failed accepts are logged on {@code cortado.net} at most once a second, and the accepts tried while
 *       nothing frees a descriptor are few (the count in the second log line covers the second between the two);</li>
 *   <li>once connections close, the paused accept resumes because a descriptor was released (not only by its
 *       timer), and every queued client is served.</li>
 * </ol>
 * Fails with an {@link AssertionError} (a non-zero exit) otherwise.
 */
public final class AcceptBackoffMain {
    /** Clients that connect while the server is out of descriptors; their sockets are opened beforehand. */
    static final int QUEUED = 100;
    /** The most accepts one second of exhaustion may try (a back-off of 1 ms doubling to 100 ms tries about 17). */
    static final long MAX_FAILURES_PER_SECOND = 40;

    private AcceptBackoffMain() {
    }

    /** A WARN line of {@code cortado.net}: when it was seen, and its two counts. */
    record Line(long nanos, long failures, long total) {
    }

    /** Accepts with {@code acceptRetrying}'s poll form, spawning an echo task per connection. */
    static Future<Void> server(TcpListener l, AtomicInteger accepted) {
        return cx -> {
            for (; ; ) {
                TcpStream s = l.pollAcceptRetrying(cx);
                if (s == null) {
                    return Poll.pending();
                }
                accepted.incrementAndGet();
                Task.spawn(NetSupport.echo(s));
            }
        };
    }

    public static void main(String[] args) throws Exception {
        List<Line> lines = new CopyOnWriteArrayList<>();
        Subscriber counting = new Subscriber() {
            @Override
            public void event(Event e) {
                if (e.level() == Level.WARN && e.target().equals("cortado.net")) {
                    lines.add(new Line(System.nanoTime(), (Long) e.field("failures"), (Long) e.field("total")));
                }
            }
        };
        AutoCloseable subscription = Tracing.install(counting);
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            TcpListener l = TcpListener.bind(rt.handle(), NetSupport.ANY_LOOPBACK, 4096);
            AtomicInteger accepted = new AtomicInteger();
            rt.spawn(server(l, accepted));

            List<SocketChannel> queued = new ArrayList<>();
            for (int i = 0; i < QUEUED; i++) {
                queued.add(SocketChannel.open()); // the descriptor now; the connection later, while exhausted
            }
            List<TcpStream> filler = new ArrayList<>();
            UncheckedIOException exhausted = null;
            while (exhausted == null && filler.size() < 100_000) {
                try {
                    filler.add(rt.blockOn(TcpStream.connect(l.localAddress())));
                } catch (UncheckedIOException e) {
                    exhausted = e;
                }
            }
            check(exhausted != null && exhausted.getCause() instanceof TooManyOpenFilesException,
                    "the process ran out of descriptors: " + exhausted);
            for (SocketChannel c : queued) {
                c.connect(l.localAddress()); // completes in the kernel's backlog: the server cannot accept it yet
            }

            // 1. Two log lines: at least a second apart, the second counting the accepts failed in between.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (lines.size() < 2) {
                check(System.nanoTime() < deadline, "two log lines within 10 s: " + lines);
                Thread.onSpinWait();
            }
            Line first = lines.get(0);
            Line second = lines.get(1);
            long gapMillis = (second.nanos() - first.nanos()) / 1_000_000;
            check(gapMillis >= 900, "log lines at most once a second: " + gapMillis + " ms apart");
            check(second.failures() >= 2, "failed accepts were retried meanwhile: " + second);
            long perSecond = second.failures() * 1000 / Math.max(1000, gapMillis);
            check(perSecond <= MAX_FAILURES_PER_SECOND, "accepts tried while exhausted: " + second.failures()
                    + " in " + gapMillis + " ms (at most " + MAX_FAILURES_PER_SECOND + " a second)");
            check(first.total() + second.failures() == second.total(), "the counts add up: " + lines);

            // 2. Free descriptors by closing connections of the runtime: the paused accept resumes on their release.
            long resumedBefore = l.resumedByRelease();
            long freedAt = System.nanoTime();
            for (TcpStream s : filler) {
                s.close();
            }
            int served = 0;
            for (SocketChannel c : queued) {
                c.write(ByteBuffer.wrap(new byte[]{1, 2, 3, 4}));
                c.socket().setSoTimeout(10_000);
                InputStream in = c.socket().getInputStream();
                check(in.readNBytes(4).length == 4, "queued client " + served + " got its echo");
                served++;
                c.close();
            }
            long servedMillis = (System.nanoTime() - freedAt) / 1_000_000;
            check(served == QUEUED, "every queued client was served: " + served);
            check(l.resumedByRelease() > resumedBefore, "a released descriptor resumed the paused accept");
            int linesAtEnd = lines.size();
            long elapsedSeconds = (System.nanoTime() - first.nanos()) / 1_000_000_000L;
            check(linesAtEnd <= elapsedSeconds + 1, linesAtEnd + " log lines in " + elapsedSeconds + " s");
            System.out.println("OK filler=" + filler.size() + " queued=" + QUEUED + " served=" + served
                    + " accepted=" + accepted.get() + " failures=" + l.resourceFailures() + " logLines=" + linesAtEnd
                    + " secondLine=" + second + " gapMs=" + gapMillis + " servedInMs=" + servedMillis
                    + " resumedByRelease=" + l.resumedByRelease());
        } finally {
            subscription.close();
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
