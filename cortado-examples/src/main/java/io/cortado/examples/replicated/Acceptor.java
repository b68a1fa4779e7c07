package io.cortado.examples.replicated;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.examples.net.Server;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A node's accept loop (see {@link ReplicatedKv}): a task per connection, which owns and closes its socket. Runs
 * until cancelled; its cancellation closes the listener and aborts the connection tasks, in the order they were
 * spawned (a plain list, so a simulation aborts them in the same order on every run).
 */
final class Acceptor implements Future<Void> {
    private final TcpListener listener;
    private final Function<TcpStream, Future<Void>> serve;
    private final List<JoinHandle<Void>> connections = new ArrayList<>();

    Acceptor(TcpListener listener, Function<TcpStream, Future<Void>> serve) {
        this.listener = listener;
        this.serve = serve;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        for (; ; ) {
            // null after registering our waker: a new connection polls us again. Out of descriptors, the listener
            // pauses accepting until a socket closes (or a short back-off passes) and logs it at most once a second.
            TcpStream s = listener.pollAcceptRetrying(cx);
            if (s == null) {
                return Poll.pending();
            }
            connections.removeIf(JoinHandle::isFinished);
            connections.add(Task.spawn(Server.closing(serve.apply(s), s)));
        }
    }

    @Override
    public void cancel() {
        listener.close();
        for (JoinHandle<Void> c : connections) {
            c.abort();
        }
        connections.clear();
    }
}
