package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.sync.Broadcast;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chat room over a line protocol. The first line a client sends is its nickname; the server answers
 * {@code welcome, <name>} and tells the others {@code * <name> joined}. Every later line goes to every other
 * client as {@code <name>: <line>}; a client that leaves is announced as {@code * <name> left}.
 *
 * <h2>How it is built</h2>
 * All clients share one {@link Broadcast} channel: every receiver sees every message. Each connection is split
 * ({@link io.cortado.net.TcpStream#split()}) into two tasks that run independently:
 * <ul>
 *   <li>the {@link ChatReader}, the connection's task in the {@link AcceptLoop}: reads lines and sends them into
 *       the channel;</li>
 *   <li>the {@link ChatWriter}, spawned by the reader once it knows the nickname: takes messages from its own
 *       receiver and writes the other clients' ones to the socket.</li>
 * </ul>
 * Senders never wait for receivers: the channel keeps the last {@code backlog} messages, and a client whose
 * writer falls further behind (it reads too slowly) skips the overwritten ones and is told how many it missed.
 */
public final class ChatServer {
    /** How many messages the channel keeps for a slow client. */
    public static final int DEFAULT_BACKLOG = 256;
    /** The longest line (or nickname) a client may send, in bytes; a longer one disconnects it. */
    public static final int MAX_LINE = 1024;

    private ChatServer() {
    }

    /**
     * A message in the channel.
     *
     * @param from the sending connection's number (its own writer skips it)
     * @param text the line to show
     */
    record Message(long from, String text) {
    }

    /** Starts a chat server keeping {@value #DEFAULT_BACKLOG} messages for slow clients. */
    public static Server start(Handle handle, InetSocketAddress address) {
        return start(handle, address, DEFAULT_BACKLOG);
    }

    /**
     * @param backlog how many messages a client may fall behind before it misses some (1 to 2^20)
     * @return the running server; closing it also closes the channel, which ends every writer
     */
    public static Server start(Handle handle, InetSocketAddress address, int backlog) {
        Broadcast.Sender<Message> hub = Broadcast.<Message>channel(backlog).sender(); // receivers: subscribe()
        AtomicLong ids = new AtomicLong();
        return Server.start(handle, "chat", address,
                stream -> new ChatReader(stream.split(), hub, ids.incrementAndGet()), hub);
    }

    /** @param args {@code [port]}: the loopback port to listen on; 0 or none picks a free one */
    public static void main(String[] args) {
        try (AsyncRuntime rt = AsyncRuntime.builder().build();
             Server server = start(rt.handle(), Server.loopback(args, 0))) {
            System.out.println("chat server listening on " + server.localAddress()
                    + " (try: nc " + server.localAddress().getHostString() + " " + server.localAddress().getPort()
                    + ", first line = your name)");
            rt.blockOn(Futures.pending()); // serve until the process is stopped (Ctrl-C)
        }
    }
}
