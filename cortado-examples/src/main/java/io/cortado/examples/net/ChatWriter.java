package io.cortado.examples.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.examples.net.ChatServer.Message;
import io.cortado.io.AsyncRead;
import io.cortado.io.FramedWrite;
import io.cortado.io.LinesCodec;
import io.cortado.net.WriteHalf;
import io.cortado.sync.Broadcast;

/**
 * One chat client's writer task (see {@link ChatServer}): moves messages from its broadcast receiver to the
 * socket's write half. Each poll:
 * <ol>
 *   <li>takes messages while they are there, encoding the other clients' ones into the write buffer (a batch
 *       becomes one system call), unless the buffer already holds {@value #MAX_BUFFERED} bytes;</li>
 *   <li>writes the buffer out; if the socket is full, returns {@code Pending} (the socket wakes the task when it
 *       has room), otherwise waits for the next message ({@code recv} registered the waker).</li>
 * </ol>
 * The cap is the backpressure: a client that does not read fills its socket, then this buffer; the writer then
 * stops taking messages and the channel moves on without it. Its next {@code recv} fails with a
 * {@link Broadcast.LaggedException}, and the client is told how many messages it missed (the count includes its
 * own messages, which it would not have been shown).
 */
final class ChatWriter implements Future<Void> {
    private static final int MAX_BUFFERED = 64 * 1024;

    private final FramedWrite<String> out;
    private final Broadcast.Receiver<Message> inbox;
    private final long self;
    private Future<Message> next; // the pending recv (cancel-safe: a cancelled recv loses no message)
    private boolean ended;        // the channel is closed: the server is shutting down

    ChatWriter(WriteHalf socket, Broadcast.Receiver<Message> inbox, long self, String greeting) {
        this.out = new FramedWrite<>(socket, new LinesCodec(4 * ChatServer.MAX_LINE));
        this.inbox = inbox;
        this.self = self;
        out.feed(greeting);
    }

    @Override
    public Poll<Void> poll(Context cx) {
        for (; ; ) {
            boolean waiting = ended; // whether step 1 found nothing more to take
            while (!waiting && out.buffered() < MAX_BUFFERED) {
                if (next == null) {
                    next = inbox.recv();
                }
                Poll<Message> m;
                try {
                    m = next.poll(cx);
                } catch (Broadcast.LaggedException e) {
                    next = null; // the receiver has moved on to the oldest message still kept
                    out.feed("* you missed " + e.missed() + " messages");
                    continue;
                }
                if (!m.isReady()) {
                    waiting = true;
                } else {
                    next = null;
                    if (m.value() == null) {
                        ended = waiting = true;
                    } else if (m.value().from() != self) {
                        out.feed(m.value().text());
                    }
                }
            }
            if (out.pollFlush(cx) == AsyncRead.PENDING) {
                return Poll.pending();
            }
            if (ended) {
                return Poll.ready(null);
            }
            if (waiting) {
                return Poll.pending();
            }
        }
    }

    @Override
    public void cancel() {
        if (next != null) {
            next.cancel();
        }
    }
}
