package io.cortado.net;

import io.cortado.Context;
import io.cortado.io.AsyncRead;

import java.nio.ByteBuffer;

/**
 * The read half of a split stream ({@link TcpStream#split()}, {@link UnixStream#split()}): one task reads through it
 * while another writes through the {@link WriteHalf}. Closing either the stream or {@link #close()} closes both.
 */
public final class ReadHalf implements AsyncRead, AutoCloseable {
    private final SocketStream stream;

    ReadHalf(SocketStream stream) {
        this.stream = stream;
    }

    @Override
    public int pollRead(Context cx, ByteBuffer dst) {
        return stream.pollRead(cx, dst);
    }

    /** Closes the whole socket (both halves). */
    @Override
    public void close() {
        stream.close();
    }

    @Override
    public String toString() {
        return "ReadHalf[" + stream + "]";
    }
}
