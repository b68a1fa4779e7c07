package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Task;
import io.cortado.async.Async;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;

import java.io.IOException;
import java.nio.ByteBuffer;

import static io.cortado.async.Async.await;

/**
 * The echo server written as async methods: plain loops with {@code await}, compiled into state machines by
 * cortado-async-maven-plugin (the README's taste). Each method returns at once; nothing runs until its future is
 * polled, and each {@code await} suspends the task (never a thread) until the awaited future is ready.
 *
 * <p><b>Cancel safety:</b> cancelling {@link #serve} cancels the pending accept (which loses no connection) and
 * closes the listener in its {@code finally}; cancelling an {@link #echo} closes its connection (try-with-resources
 * runs on cancellation).
 */
public final class AsyncEchoServer {
    private AsyncEchoServer() {
    }

    /** @return the accept loop: a task per connection, until cancelled */
    public static Future<Void> serve(TcpListener listener) {
        try {
            while (true) {
                TcpStream conn = await(listener.acceptRetrying()); // out of descriptors: pauses, not fails
                Task.spawn(echo(conn));
            }
        } finally {
            listener.close();
        }
    }

    /**
     * @return the bytes echoed, once the client ended its side, or {@code -1} if the connection failed (a reset
     * peer, a broken pipe): {@code await(future, IOException.class)} rethrows an I/O future's checked cause, so a
     * plain {@code catch (IOException e)} handles it
     */
    public static Future<Long> echo(TcpStream conn) {
        try (conn) {
            conn.setNoDelay(true);
            ByteBuffer buf = ByteBuffer.allocate(4096);
            long total = 0;
            for (int n; (n = await(conn.read(buf.clear()), IOException.class)) >= 0; total += n) {
                await(conn.writeAll(buf.flip()), IOException.class);
            }
            return Async.done(total);
        } catch (IOException e) {
            return Async.done(-1L); // this connection only: the server keeps serving the others
        }
    }

    /** @param args {@code [port]}: the loopback port to listen on; 0 or none picks a free one */
    public static void main(String[] args) {
        try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
            TcpListener listener = TcpListener.bind(rt.handle(), Server.loopback(args, 0));
            System.out.println("async echo server listening on " + listener.localAddress());
            rt.blockOn(serve(listener)); // serve until the process is stopped (Ctrl-C)
        }
    }
}
