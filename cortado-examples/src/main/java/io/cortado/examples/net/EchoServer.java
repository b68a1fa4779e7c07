package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.io.Io;

import java.net.InetSocketAddress;

/**
 * The smallest server: every connection gets back exactly the bytes it sends, until it ends its side.
 *
 * <pre>{@code
 * java --module-path <cortado and examples classes> --module io.cortado.examples/io.cortado.examples.net.EchoServer [port]
 * nc 127.0.0.1 <port>
 * }</pre>
 *
 * <p>The whole connection handler is one future, {@link Io#copy Io.copy(stream, stream)}: a state machine that
 * reads into its buffer, writes the buffer back, and repeats until the read side reports the end of the stream.
 * The {@link AcceptLoop} runs it as a task and closes the stream when it completes.
 */
public final class EchoServer {
    private EchoServer() {
    }

    /**
     * Starts an echo server on {@code handle}'s runtime.
     *
     * @param address where to listen (port 0 picks a free port; see {@link Server#localAddress()})
     * @return the running server; close it to stop
     */
    public static Server start(Handle handle, InetSocketAddress address) {
        return Server.start(handle, "echo", address, stream -> {
            stream.setNoDelay(true); // replies are small: send each at once instead of waiting to fill a segment
            return Io.copy(stream, stream);
        });
    }

    /** @param args {@code [port]}: the loopback port to listen on; 0 or none picks a free one */
    public static void main(String[] args) {
        try (AsyncRuntime rt = AsyncRuntime.builder().build();
             Server server = start(rt.handle(), Server.loopback(args, 0))) {
            System.out.println("echo server listening on " + server.localAddress());
            rt.blockOn(Futures.pending()); // serve until the process is stopped (Ctrl-C)
        }
    }
}
