package io.cortado.net;

import io.cortado.Context;
import io.cortado.io.AsyncWrite;

import java.nio.ByteBuffer;

/**
 * The write half of a split stream: see {@link ReadHalf}. {@link #shutdown()} ends the write direction only, so
 * the read half keeps reading the peer's answer.
 */
public final class WriteHalf implements AsyncWrite, AutoCloseable {
    private final SocketStream stream;

    WriteHalf(SocketStream stream) {
        this.stream = stream;
    }

    @Override
    public int pollWrite(Context cx, ByteBuffer src) {
        return stream.pollWrite(cx, src);
    }

    @Override
    public long pollWriteVectored(Context cx, ByteBuffer[] srcs) {
        return stream.pollWriteVectored(cx, srcs);
    }

    @Override
    public int pollShutdown(Context cx) {
        return stream.pollShutdown(cx);
    }

    /** Closes the whole socket (both halves). */
    @Override
    public void close() {
        stream.close();
    }

    @Override
    public String toString() {
        return "WriteHalf[" + stream + "]";
    }
}
