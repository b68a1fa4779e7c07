package io.cortado.examples.http;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.http.HttpException;
import io.cortado.http.HttpServer;
import io.cortado.http.Router;
import io.cortado.http.WebSocket;
import io.cortado.sync.Broadcast;
import io.cortado.sync.ClosedException;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A chat room over WebSockets, the counterpart of the TCP {@link io.cortado.examples.net.ChatServer}: a client
 * opens {@code ws://host:port/chat?name=<nickname>}, is greeted {@code welcome, <name>}, and every text message it
 * sends goes to every other client as {@code <name>: <text>}; joins and leaves are announced as
 * {@code * <name> joined} and {@code * <name> left}.
 *
 * <p>All sessions share one {@link Broadcast} channel. Each session is one hand-written future on its connection's
 * task ({@link Session}): it reads the client's messages into the channel and writes the channel's messages from
 * the others to the client. A client that falls more than the channel's capacity behind is told how many messages
 * it missed.
 */
public final class WsChat {
    /** How many messages the channel keeps for a slow client. */
    public static final int BACKLOG = 256;
    /** The longest message a client may send, in bytes (longer: the server closes with 1009). */
    public static final int MAX_MESSAGE = 4096;

    private WsChat() {
    }

    /** A message in the channel: {@code from} (a session's number, which skips its own) and the line to show. */
    record Line(long from, String text) {
    }

    /**
     * Starts the chat server.
     *
     * @return the running server
     */
    public static HttpServer start(Handle handle, InetSocketAddress address) {
        Broadcast.Sender<Line> hub = Broadcast.<Line>channel(BACKLOG).sender();
        AtomicLong ids = new AtomicLong();
        Router router = Router.builder()
                .get("/chat", req -> {
                    String name = param(req.query(), "name");
                    if (name == null || name.isBlank()) {
                        throw new HttpException(400, "the chat needs ?name=<nickname>");
                    }
                    return Futures.ready(WebSocket.upgrade(req, MAX_MESSAGE,
                            ws -> new Session(ws, hub, ids.incrementAndGet(), name)));
                })
                .build();
        return HttpServer.builder(router).start(handle, address);
    }

    private static String param(String query, String key) {
        if (query == null) {
            return null;
        }
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(key)) {
                return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /**
     * One client's session. Rules: at most one send is in flight, and while it is the session neither reads the
     * client nor the channel (a client that does not read slows only itself; the channel keeps going and it
     * misses messages past the backlog); the channel's receiver is subscribed before the join is announced, so a
     * client sees everything said after its welcome; the client's close (or the connection's end) announces the
     * leave and ends the session.
     */
    static final class Session implements Future<Void> {
        private final WebSocket ws;
        private final Broadcast.Sender<Line> hub;
        private final Broadcast.Receiver<Line> rx;
        private final long id;
        private final String name;
        private Future<Void> sending;
        private Future<Line> receiving;

        Session(WebSocket ws, Broadcast.Sender<Line> hub, long id, String name) {
            this.ws = ws;
            this.hub = hub;
            this.rx = hub.subscribe();
            this.id = id;
            this.name = name;
            this.sending = ws.sendText("welcome, " + name);
            hub.send(new Line(id, "* " + name + " joined"));
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (; ; ) {
                if (sending != null) {
                    if (!sending.poll(cx).isReady()) {
                        return Poll.pending();
                    }
                    sending = null;
                }
                Poll<WebSocket.Message> in = ws.pollNext(cx);
                if (in.isReady()) {
                    WebSocket.Message m = in.value();
                    if (m == null) {
                        hub.send(new Line(id, "* " + name + " left"));
                        return Poll.ready(null);
                    }
                    if (m.isText()) {
                        hub.send(new Line(id, name + ": " + m.text()));
                    }
                    continue;
                }
                if (receiving == null) {
                    receiving = rx.recv();
                }
                Poll<Line> out;
                try {
                    out = receiving.poll(cx);
                } catch (Broadcast.LaggedException e) {
                    receiving = null;
                    sending = ws.sendText("* you missed " + e.missed() + " messages");
                    continue;
                } catch (ClosedException e) {
                    return Poll.ready(null); // the server is closing
                }
                if (!out.isReady()) {
                    return Poll.pending();
                }
                receiving = null;
                if (out.value().from() != id) {
                    sending = ws.sendText(out.value().text());
                }
            }
        }

        @Override
        public void cancel() {
            if (receiving != null) {
                receiving.cancel();
            }
            hub.send(new Line(id, "* " + name + " left"));
        }
    }

    /** @param args {@code [port]}: the loopback port (default 8080) */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        try (AsyncRuntime rt = AsyncRuntime.builder().build();
             HttpServer server = start(rt.handle(), new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
            System.out.println("listening on " + server.localAddress() + " (try: a WebSocket client on ws://"
                    + server.localAddress().getHostString() + ":" + server.localAddress().getPort()
                    + "/chat?name=you)");
            rt.blockOn(Futures.pending()); // serve until the process is stopped (Ctrl-C)
        }
    }
}
