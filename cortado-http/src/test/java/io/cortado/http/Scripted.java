package io.cortado.http;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory connection for driving {@link Connection} byte for byte: reads give the chunks of a script in
 * order, each after one Pending (which wakes the task at once), then the end of the stream; writes are collected.
 */
final class Scripted implements AsyncRead, AsyncWrite, AutoCloseable {
    private final List<byte[]> chunks;
    private int next;
    private boolean pendedBeforeNext;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    boolean closed;
    int writes;
    boolean shutdown;

    Scripted(List<byte[]> chunks) {
        this.chunks = chunks;
    }

    @Override
    public int pollRead(Context cx, ByteBuffer dst) {
        if (next == chunks.size()) {
            return EOF;
        }
        if (!pendedBeforeNext) {
            pendedBeforeNext = true;
            cx.waker().wake();
            return PENDING;
        }
        byte[] c = chunks.get(next);
        int n = Math.min(c.length, dst.remaining());
        dst.put(c, 0, n);
        if (n == c.length) {
            next++;
            pendedBeforeNext = false;
        } else {
            chunks.set(next, java.util.Arrays.copyOfRange(c, n, c.length));
        }
        return n;
    }

    @Override
    public int pollWrite(Context cx, ByteBuffer src) {
        int n = src.remaining();
        writes++;
        written.write(src.array(), src.arrayOffset() + src.position(), n);
        src.position(src.limit());
        return n;
    }

    @Override
    public int pollShutdown(Context cx) {
        shutdown = true;
        return 0;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Cuts {@code bytes} at the given offsets (ascending). */
    static List<byte[]> cut(byte[] bytes, int... at) {
        List<byte[]> out = new ArrayList<>();
        int from = 0;
        for (int a : at) {
            out.add(java.util.Arrays.copyOfRange(bytes, from, a));
            from = a;
        }
        out.add(java.util.Arrays.copyOfRange(bytes, from, bytes.length));
        return out;
    }

    /**
     * Serves the chunks with {@code handler} on a connection with {@code builder}'s limits, on {@code rt}, until
     * the connection ends.
     *
     * @return what the server wrote, with each {@code Date} value replaced by {@code D}
     */
    static String serve(AsyncRuntime rt, HttpServer.Builder builder, List<byte[]> chunks) {
        return normalise(run(rt, builder, chunks).written.toString(StandardCharsets.ISO_8859_1));
    }

    /** As {@link #serve}, returning the stream (what was written, how many writes). */
    static Scripted run(AsyncRuntime rt, HttpServer.Builder builder, List<byte[]> chunks) {
        Scripted io = new Scripted(new ArrayList<>(chunks));
        HttpServer.Config config = builder.config(rt.handle());
        Connection c = new Connection(config, io);
        rt.blockOn(c);
        if (!io.closed) {
            throw new AssertionError("the connection did not close its stream");
        }
        return io;
    }

    static String normalise(String s) {
        return s.replaceAll("Date: [^\r]*\r\n", "Date: D\r\n");
    }

    static HttpServer.Builder echo() {
        return HttpServer.builder(r -> r.body().bytes().map(b -> Response.of(200)
                .header("X-Method", r.method()).header("X-Target", r.target())
                .body(b)));
    }

}
