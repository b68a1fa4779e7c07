package io.cortado.examples.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.JoinSet;
import io.cortado.Poll;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;

import java.util.List;
import java.util.function.Function;

/**
 * The task every example server runs: accept connections, give each one a task, reap the tasks that ended.
 * A hand-written poll state machine; the state is the listener and the {@link JoinSet} of connection tasks.
 *
 * <p>One {@link #poll} does two jobs, each until it would wait:
 * <ol>
 *   <li>take every connection waiting in the listener's backlog and spawn a task serving it into the set. Out of
 *       descriptors (or buffers), {@code pollAcceptRetrying} pauses accepting until a socket closes or a short
 *       back-off passes, and logs it at most once a second: retrying a failed accept at once would spin;</li>
 *   <li>take the connection tasks that ended out of the set ({@link JoinSet#joinNext()}), so it holds only live
 *       ones, and report those that failed.</li>
 * </ol>
 * Returning {@code Pending} is then safe: {@code pollAcceptRetrying} and {@code joinNext} both registered this
 * task's waker, so a new connection, the end of an accept pause or a connection task ending polls the loop again.
 *
 * <p>{@link #cancel()} is the server's shutdown: the loop owns the listener, the set and the shared resources, so it
 * closes them all. A connection's failure (a reset peer) ends that connection only.
 */
final class AcceptLoop implements Future<Void> {
    private final String name;
    private final TcpListener listener;
    private final Function<TcpStream, Future<?>> serve;
    private final List<AutoCloseable> owned;
    private final JoinSet<Object> connections;

    AcceptLoop(Handle handle, String name, TcpListener listener, Function<TcpStream, Future<?>> serve,
               List<AutoCloseable> owned) {
        this.name = name;
        this.listener = listener;
        this.serve = serve;
        this.owned = owned;
        this.connections = new JoinSet<>(handle);
    }

    @Override
    public Poll<Void> poll(Context cx) {
        // 1. Accept until the backlog is empty (pollAccept returns null after registering our waker).
        for (TcpStream s; (s = listener.pollAcceptRetrying(cx)) != null; ) {
            Future<?> handler;
            try {
                handler = serve.apply(s);
            } catch (RuntimeException e) { // e.g. a socket option on a connection the peer has already reset
                System.err.println(name + ": could not serve a connection: " + e);
                s.close();
                continue;
            }
            connections.spawn(Server.closing(handler, s)); // the task owns the stream from now on
        }
        // 2. Reap finished connection tasks until none is left finished.
        while (!connections.isEmpty()) {
            try {
                if (!connections.joinNext().poll(cx).isReady()) {
                    break;
                }
            } catch (JoinException e) {
                System.err.println(name + ": a connection ended with an error: " + e.getCause());
            }
        }
        return Poll.pending(); // a server runs until it is closed (cancelled)
    }

    /** The server closes: stop accepting, abort every connection (each closes its socket), close shared state. */
    @Override
    public void cancel() {
        listener.close();
        connections.close();
        owned.forEach(Server::closeQuietly);
    }
}
