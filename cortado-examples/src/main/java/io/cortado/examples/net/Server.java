package io.cortado.examples.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;

/**
 * A running example server: what each example's {@code start} method returns.
 *
 * <p>A server is one task, the {@link AcceptLoop}, which owns a task per connection. {@link #close()} aborts the
 * accept loop; its cancellation (Cortado's stand-in for Rust's drop) closes the listener, aborts every connection
 * task (each closes its socket) and closes what the server shares between connections (a channel's sender), so
 * closing the server reaches everything it started. A runtime's shutdown does the same for every task it holds.
 */
public final class Server implements AutoCloseable {
    private final InetSocketAddress address;
    private final JoinHandle<Void> acceptor;

    private Server(InetSocketAddress address, JoinHandle<Void> acceptor) {
        this.address = address;
        this.acceptor = acceptor;
    }

    /**
     * Binds {@code address} and spawns the accept loop onto {@code handle}'s runtime. Callable from any thread.
     *
     * @param name    the server's name, for its task and error messages
     * @param serve   makes the future that serves one connection; the accept loop closes the stream when that
     *                future ends, fails or is cancelled
     * @param owned   closed when the server closes (after the connections are aborted)
     * @return the running server
     * @throws java.io.UncheckedIOException if the address cannot be bound
     */
    static Server start(Handle handle, String name, InetSocketAddress address,
                        Function<TcpStream, Future<?>> serve, AutoCloseable... owned) {
        TcpListener listener = TcpListener.bind(handle, address, TcpListener.DEFAULT_BACKLOG);
        AcceptLoop loop = new AcceptLoop(handle, name, listener, serve, List.of(owned));
        JoinHandle<Void> task = Task.builder().name(name + " accept loop").spawnOn(handle, loop);
        return new Server(listener.localAddress(), task);
    }

    /** @return the address the server listens on (with the real port when it was started on port 0) */
    public InetSocketAddress localAddress() {
        return address;
    }

    /**
     * Stops the server: aborts the accept loop, which closes the listener and aborts every connection. The abort
     * runs on the runtime soon after this returns (or at the latest when the runtime shuts down). Idempotent.
     */
    @Override
    public void close() {
        acceptor.abort();
    }

    /** @return {@code 127.0.0.1:port}, or the port of {@code args[index]} if given (0 = any free port) */
    static InetSocketAddress loopback(String[] args, int index) {
        int port = args.length > index ? Integer.parseInt(args[index]) : 0;
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /**
     * @return {@code f}, closing {@code resource} once {@code f} completes, fails or is cancelled: how a future
     * owns a socket. (Java has no destructor; this wrapper is the poll model's try-with-resources.)
     */
    public static <T> Future<T> closing(Future<T> f, AutoCloseable resource) {
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                Poll<T> p;
                try {
                    p = f.poll(cx);
                } catch (RuntimeException | Error e) {
                    closeQuietly(resource);
                    throw e;
                }
                if (p.isReady()) {
                    closeQuietly(resource);
                }
                return p;
            }

            @Override
            public void cancel() {
                f.cancel();
                closeQuietly(resource);
            }
        };
    }

    public static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("closing " + c + " failed: " + e); // nothing to undo: report and go on
        }
    }
}
