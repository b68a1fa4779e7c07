package io.cortado.examples.replicated;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.io.Framed;
import io.cortado.io.LinesCodec;
import io.cortado.net.TcpStream;

import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * One connection to a node (see {@link ReplicatedKv}), from a client or from the primary's replicator: read a
 * request line, answer it, read the next. Two states, as in the {@code net} example's {@code KvConnection}:
 * <pre>
 *   READ  ──a line──▶  REPLY  ──answer written──▶  READ
 * </pre>
 * The answer of one line is one future chain (the node's answer, which for a {@code SET} waits for the commit, then
 * the write), kept in {@link #replying}; a {@code Pending} return loses nothing, the next poll continues it.
 *
 * <p>An I/O error (a reset, a line over {@link ReplicatedKv#MAX_LINE}, a peer that left while its {@code SET}
 * waited) ends this connection quietly: the peer is gone or broke the framing, and the node serves on. The
 * {@link Acceptor} closes the socket.
 */
final class NodeConnection implements Future<Void> {
    private final Framed<String, TcpStream> lines;
    private final Function<String, Future<String>> answer;
    private Future<Void> replying; // REPLY when set, READ when null

    NodeConnection(TcpStream stream, Function<String, Future<String>> answer) {
        this.lines = Framed.of(stream, new LinesCodec(ReplicatedKv.MAX_LINE));
        this.answer = answer;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        try {
            for (; ; ) {
                if (replying != null) {                           // REPLY
                    if (!replying.poll(cx).isReady()) {
                        return Poll.pending();
                    }
                    replying = null;
                }
                Poll<String> line = lines.pollNext(cx);           // READ
                if (!line.isReady()) {
                    return Poll.pending();
                }
                if (line.value() == null) {
                    return Poll.ready(null);                      // the peer ended the connection
                }
                replying = answer.apply(line.value()).then(lines::send);
            }
        } catch (UncheckedIOException e) {
            replying = null;
            return Poll.ready(null);
        }
    }

    /** Aborted (the node stops): cancel the answer in flight. The acceptor closes the socket. */
    @Override
    public void cancel() {
        if (replying != null) {
            replying.cancel();
        }
    }
}
