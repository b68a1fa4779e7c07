package io.cortado.examples.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.examples.net.ChatServer.Message;
import io.cortado.io.BufReader;
import io.cortado.net.Halves;
import io.cortado.stream.Stream;
import io.cortado.sync.Broadcast;

import java.io.UncheckedIOException;

/**
 * One chat client's reader task, which also owns the connection (see {@link ChatServer}). A poll state machine:
 * <pre>
 *   NAME ──first line──▶ CHATTING ──end of stream / error──▶ done (announce the leave)
 * </pre>
 * Each poll takes every line already received, then returns {@code Pending}: {@code lines.pollNext} registered
 * the task's waker with the socket, so the next bytes poll it again.
 */
final class ChatReader implements Future<Void> {
    private enum State { NAME, CHATTING }

    private final Halves halves;
    private final Stream<String> lines;
    private final Broadcast.Sender<Message> hub;
    private final long id;
    private State state = State.NAME;
    private String name;
    private JoinHandle<Void> writer;

    ChatReader(Halves halves, Broadcast.Sender<Message> hub, long id) {
        this.halves = halves;
        this.lines = new BufReader(halves.reader()).lines(ChatServer.MAX_LINE);
        this.hub = hub;
        this.id = id;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        for (; ; ) {
            Poll<String> next;
            try {
                next = lines.pollNext(cx); // Ready(line), Ready(null) at the end of the stream, or Pending
            } catch (UncheckedIOException e) {
                next = Poll.ready(null); // reset by the peer, or a line over MAX_LINE: the client is gone
            }
            if (!next.isReady()) {
                return Poll.pending();
            }
            String line = next.value();
            if (line == null) {
                return leave();
            }
            switch (state) {
                case NAME -> {
                    name = line.isBlank() ? "guest" + id : line.strip();
                    // Subscribe before announcing, so this client's writer sees everything sent from now on.
                    writer = Task.spawn(new ChatWriter(halves.writer(), hub.subscribe(), id, "welcome, " + name));
                    hub.send(new Message(id, "* " + name + " joined"));
                    state = State.CHATTING;
                }
                case CHATTING -> hub.send(new Message(id, name + ": " + line));
            }
        }
    }

    private Poll<Void> leave() {
        if (name != null) {
            hub.send(new Message(id, "* " + name + " left"));
        }
        cancel(); // the writer has nobody to write to any more
        return Poll.ready(null);
    }

    /** The connection ends (or the server closes): stop the writer task too. The accept loop closes the socket. */
    @Override
    public void cancel() {
        if (writer != null) {
            writer.abort();
        }
    }
}
