package io.cortado.examples.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.examples.net.KvServer.Command;
import io.cortado.examples.net.KvServer.Request;
import io.cortado.io.FrameTooLongException;
import io.cortado.io.Framed;
import io.cortado.io.LinesCodec;
import io.cortado.net.TcpStream;
import io.cortado.sync.Mpsc;
import io.cortado.sync.Oneshot;

import java.io.UncheckedIOException;

/**
 * One key-value client's task (see {@link KvServer}). Two states:
 * <pre>
 *   READ  ──a line──▶  REPLY  ──answer written──▶  READ
 * </pre>
 * The loop is a hand-written state machine; the straight-line steps of one request (send it to the store, wait
 * for the answer, write it) are one combinator chain kept in {@link #replying}. A {@code Pending} return loses
 * nothing: the next poll picks up the same chain, which registered the waker of whatever it waits on.
 */
final class KvConnection implements Future<Void> {
    private final Framed<String, TcpStream> lines;
    private final Mpsc.Sender<Request> store;
    private Future<Void> replying; // REPLY when set, READ when null
    private boolean hangUp;        // close the connection once this reply is written

    KvConnection(TcpStream socket, Mpsc.Sender<Request> store, int maxLine) {
        this.lines = Framed.of(socket, new LinesCodec(maxLine));
        this.store = store;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        for (; ; ) {
            if (replying != null) {                        // REPLY
                if (!replying.poll(cx).isReady()) {
                    return Poll.pending();
                }
                replying = null;
                if (hangUp) {
                    return Poll.ready(null);               // the accept loop closes the socket
                }
            }
            Poll<String> line;                             // READ
            try {
                line = lines.pollNext(cx);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof FrameTooLongException)) {
                    throw e;                               // an I/O error ends this connection
                }
                hangUp = true;                             // the rest of the line is unread: framing is lost
                replying = lines.send("ERR line too long");
                continue;
            }
            if (!line.isReady()) {
                return Poll.pending();
            }
            if (line.value() == null) {
                return Poll.ready(null);                   // the client ended the connection
            }
            replying = reply(line.value());
        }
    }

    /** @return a future that asks the store (or not, for a bad command) and writes the answer */
    private Future<Void> reply(String line) {
        Command command;
        try {
            command = Command.parse(line);
        } catch (IllegalArgumentException e) {
            return lines.send("ERR " + e.getMessage());
        }
        Oneshot.Channel<String> answer = Oneshot.channel();
        return store.send(new Request(command, answer.sender())) // waits while the store's inbox is full
                .then(sent -> answer.receiver())                  // the store answers on the one-shot
                .then(lines::send);
    }

    /** Aborted (the server closes): cancel the request in flight. The accept loop closes the socket. */
    @Override
    public void cancel() {
        if (replying != null) {
            replying.cancel();
        }
    }
}
