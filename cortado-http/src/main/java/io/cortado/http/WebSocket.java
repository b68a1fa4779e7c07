package io.cortado.http;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.stream.Stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A server-side WebSocket (RFC 6455), made by {@link #upgrade} from a handler: a {@link Stream} of the client's
 * messages (fragments reassembled) and methods that send.
 *
 * <pre>{@code
 * router.get("/echo", req -> Futures.ready(WebSocket.upgrade(req, ws ->
 *         ws.then(m -> ws.send(m)).forEach(x -> { }))));      // echoes each message until the client closes
 * }</pre>
 *
 * <p>After the {@code 101} response the connection's task polls the session future; a {@code WebSocket} is not
 * thread-safe and is used from that future only. The connection keeps the socket: when the session future ends
 * (or fails), the server sends a Close frame if none was sent (1000, or 1011 if the future failed), and then
 * closes the connection, reading what the client still sends for a short while. Closing the server cancels the
 * session future.
 *
 * <p>Protocol rules the server enforces on what the client sends (a {@link WebSocketException} from
 * {@link #pollNext}, after a Close frame with its code has been queued): client frames must be masked (1002), no
 * reserved bits or unknown opcodes (1002), control frames whole and at most 125 bytes (1002), a message at most
 * the maximum size (1009), text and close reasons in UTF-8 (1007). Pings are answered with pongs while the
 * messages are read; pongs are dropped. A Close frame from the client is answered with the same code and ends the
 * stream ({@link #closeCode()}); the connection ending without one ends it too, with 1006. Extensions
 * ({@code permessage-deflate}) and subprotocols are not negotiated (a handler may add a
 * {@code Sec-WebSocket-Protocol} field to the 101 response itself).
 *
 * <p>Rules: output (messages, pongs, the Close frame) goes to one buffer in the order it is queued and is written
 * by whichever poll comes next ({@link #pollNext}, a send's future, the connection's end); nothing is sent after
 * the Close frame.
 */
public final class WebSocket implements Stream<WebSocket.Message> {
    /** The default maximum message size, 1 MiB. */
    public static final int DEFAULT_MAX_MESSAGE = 1024 * 1024;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /**
     * A whole message.
     *
     * @param isText whether it is a text message (its bytes are UTF-8) rather than binary
     * @param data   its bytes (not copied)
     */
    public record Message(boolean isText, byte[] data) {
        public Message {
            Objects.requireNonNull(data, "data");
        }

        /** @return a text message */
        public static Message text(String text) {
            return new Message(true, text.getBytes(StandardCharsets.UTF_8));
        }

        /** @return a binary message (the bytes are not copied) */
        public static Message binary(byte[] data) {
            return new Message(false, data);
        }

        /** @return the data decoded as UTF-8 */
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return (isText ? "Text[" + text() : "Binary[" + data.length + " bytes") + "]";
        }
    }

    private final Wire wire;
    private final AsyncWrite wr;
    private final FrameDecoder decoder;

    private byte[] out = new byte[256];
    private int outLen;
    private int outPos;

    private boolean closeSent;
    private boolean ended;
    private int closeCode = -1;
    private String closeReason = "";
    private WebSocketException failure;

    WebSocket(Wire wire, AsyncWrite wr, long maxMessage) {
        this.wire = wire;
        this.wr = wr;
        this.decoder = new FrameDecoder(maxMessage, true);
    }

    /**
     * Accepts a WebSocket handshake with messages of at most {@link #DEFAULT_MAX_MESSAGE} bytes.
     *
     * @see #upgrade(Request, int, Function)
     */
    public static Response upgrade(Request request, Function<? super WebSocket, ? extends Future<Void>> session) {
        return upgrade(request, DEFAULT_MAX_MESSAGE, session);
    }

    /**
     * Accepts a WebSocket handshake: the handler returns this {@code 101 Switching Protocols} response, and once it
     * is written the connection runs {@code session} on the socket (a handler may add fields such as
     * {@code Sec-WebSocket-Protocol}).
     *
     * @param maxMessage the longest message the client may send, in bytes; a longer one closes with 1009
     * @param session    called on the connection's task with the WebSocket; the connection ends with its future
     * @return the {@code 101} response
     * @throws HttpException 400 if the request is not a valid WebSocket handshake (method {@code GET} over HTTP/1.1,
     *                       {@code Upgrade: websocket}, {@code Connection: upgrade}, a 16-byte base64
     *                       {@code Sec-WebSocket-Key}, no body), 426 if its {@code Sec-WebSocket-Version} is not 13
     */
    public static Response upgrade(Request request, int maxMessage,
                                   Function<? super WebSocket, ? extends Future<Void>> session) {
        Objects.requireNonNull(session, "session");
        if (maxMessage < 1) {
            throw new IllegalArgumentException("maxMessage : " + maxMessage + " (expected: >= 1)");
        }
        if (!request.isMethod("GET") || !request.http11()) {
            throw new HttpException(400, "a WebSocket handshake must be a GET over HTTP/1.1");
        }
        if (request.contentLength() != 0) {
            throw new HttpException(400, "a WebSocket handshake with a body");
        }
        if (!hasToken(request, "Upgrade", "websocket") || !hasToken(request, "Connection", "upgrade")) {
            throw new HttpException(400, "not a WebSocket handshake (Upgrade and Connection fields)");
        }
        if (!"13".equals(trim(request.header("Sec-WebSocket-Version")))) {
            throw new HttpException(426, "Sec-WebSocket-Version is not 13");
        }
        String key = trim(request.header("Sec-WebSocket-Key"));
        if (key == null || request.headers("Sec-WebSocket-Key").size() != 1 || !isKey(key)) {
            throw new HttpException(400, "a missing or malformed Sec-WebSocket-Key");
        }
        Response r = Response.switching(maxMessage, session);
        r.header("Upgrade", "websocket").header("Sec-WebSocket-Accept", accept(key));
        return r;
    }

    private static String trim(String s) {
        return s == null ? null : s.strip();
    }

    private static boolean hasToken(Request r, String field, String token) {
        for (String v : r.headers(field)) {
            for (String t : v.split(",")) {
                if (t.strip().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isKey(String key) {
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** @return the {@code Sec-WebSocket-Accept} value for a key (RFC 6455 4.2.2) */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * The client's next message.
     *
     * <p><b>Cancel safety:</b> cancel-safe: a message is taken only by the poll that returns it.
     *
     * @return the next message, {@code Ready(null)} once the client's Close frame was received (or the connection
     * ended without one: {@link #closeCode()} 1006), or {@code Pending}
     * @throws WebSocketException if the client broke the protocol (a Close frame with its code is then queued)
     * @throws java.io.UncheckedIOException if the connection failed
     */
    @Override
    public Poll<Message> pollNext(Context cx) {
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return Poll.ready(null);
        }
        if (outLen > 0) {
            flushOut(cx); // pongs go out even when the session only reads
        }
        for (; ; ) {
            FrameDecoder.Frame f;
            try {
                f = decoder.next(wire);
            } catch (WebSocketException e) {
                failure = e;
                closeCode = e.code();
                closeReason = e.getMessage();
                queueClose(e.code(), "");
                flushOut(cx);
                throw e;
            }
            if (f == null) {
                int n = wire.fill(cx);
                if (n == AsyncRead.PENDING) {
                    return Poll.pending();
                }
                if (n == AsyncRead.EOF) {
                    ended = true;
                    closeCode = 1006;
                    closeReason = "the connection ended without a Close frame";
                    return Poll.ready(null);
                }
                continue;
            }
            switch (f.opcode()) {
                case FrameDecoder.PING -> {
                    if (!closeSent) {
                        queue(FrameDecoder.PONG, f.payload());
                        flushOut(cx);
                    }
                }
                case FrameDecoder.PONG -> {
                }
                case FrameDecoder.CLOSE -> {
                    byte[] p = f.payload();
                    closeCode = p.length == 0 ? 1005 : ((p[0] & 0xff) << 8) | (p[1] & 0xff);
                    closeReason = p.length <= 2 ? "" : new String(p, 2, p.length - 2, StandardCharsets.UTF_8);
                    if (!closeSent) {
                        closeSent = true;
                        queue(FrameDecoder.CLOSE, p.length == 0 ? p : Arrays.copyOf(p, 2)); // echo the code
                    }
                    flushOut(cx);
                    ended = true;
                    return Poll.ready(null);
                }
                default -> {
                    return Poll.ready(new Message(f.opcode() == FrameDecoder.TEXT, f.payload()));
                }
            }
        }
    }

    /** @return the close code received (1005 for a Close frame without one), 1006 if the connection ended
     * without a Close frame, the code this side failed with, or {@code -1} while open */
    public int closeCode() {
        return closeCode;
    }

    /** @return the reason of the client's Close frame (or what failed), or {@code ""} */
    public String closeReason() {
        return closeReason;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * Sends a message as one frame.
     *
     * <p><b>Cancel safety:</b> the message is queued by the future's first poll and then sent whole even if the
     * future is cancelled (by later polls of any send, of {@link #pollNext} or by the connection's end). The future
     * completes when the connection's output buffer is written.
     *
     * @return a future that completes once the message is written
     * @throws WebSocketException (from the future) 1006 if a Close frame was already sent
     */
    public Future<Void> send(Message message) {
        Objects.requireNonNull(message, "message");
        return sendFrame(message.isText() ? FrameDecoder.TEXT : FrameDecoder.BINARY, message.data());
    }

    /** Sends a text message; as {@link #send}. */
    public Future<Void> sendText(String text) {
        return send(Message.text(text));
    }

    /** Sends a binary message (the bytes are not copied); as {@link #send}. */
    public Future<Void> sendBinary(byte[] data) {
        return send(Message.binary(data));
    }

    /** Sends a Ping (at most 125 bytes); as {@link #send}. The client's Pong is dropped. */
    public Future<Void> ping(byte[] data) {
        if (data.length > 125) {
            throw new IllegalArgumentException("data : " + data.length + " bytes (expected: <= 125)");
        }
        return sendFrame(FrameDecoder.PING, data.clone());
    }

    /**
     * Starts the close handshake: sends a Close frame with {@code code} and {@code reason}; go on reading
     * {@link #pollNext} until it ends to receive the client's answer. A second close sends nothing.
     *
     * <p><b>Cancel safety:</b> as {@link #send}.
     *
     * @param code   a code an endpoint may send (1000 for a normal close; 3000..4999 for applications)
     * @param reason at most 123 bytes in UTF-8
     */
    public Future<Void> close(int code, String reason) {
        if (!FrameDecoder.validCloseCode(code)) {
            throw new IllegalArgumentException("code : " + code + " (expected: a code an endpoint may send)");
        }
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        if (r.length > 123) {
            throw new IllegalArgumentException("reason : " + r.length + " bytes in UTF-8 (expected: <= 123)");
        }
        return new Future<>() {
            private boolean queued;

            @Override
            public Poll<Void> poll(Context cx) {
                if (!queued) {
                    queued = true;
                    queueClose(code, reason);
                }
                return flushOut(cx) == AsyncRead.PENDING ? Poll.pending() : Poll.ready(null);
            }
        };
    }

    private Future<Void> sendFrame(int opcode, byte[] payload) {
        return new Future<>() {
            private boolean queued;

            @Override
            public Poll<Void> poll(Context cx) {
                if (!queued) {
                    if (closeSent) {
                        throw new WebSocketException(1006, "the WebSocket is closed");
                    }
                    queued = true;
                    queue(opcode, payload);
                }
                return flushOut(cx) == AsyncRead.PENDING ? Poll.pending() : Poll.ready(null);
            }
        };
    }

    private void queueClose(int code, String reason) {
        if (closeSent) {
            return;
        }
        closeSent = true;
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + Math.min(r.length, 123)];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, p.length - 2);
        queue(FrameDecoder.CLOSE, p);
    }

    private void queue(int opcode, byte[] payload) {
        int n = payload.length;
        int need = outLen + 10 + n;
        if (need > out.length) {
            out = Arrays.copyOf(out, Math.max(need, out.length * 2));
        }
        out[outLen++] = (byte) (0x80 | opcode);
        if (n < 126) {
            out[outLen++] = (byte) n;
        } else if (n < 65536) {
            out[outLen++] = 126;
            out[outLen++] = (byte) (n >> 8);
            out[outLen++] = (byte) n;
        } else {
            out[outLen++] = 127;
            for (int i = 7; i >= 0; i--) {
                out[outLen++] = (byte) ((long) n >> (8 * i));
            }
        }
        System.arraycopy(payload, 0, out, outLen, n);
        outLen += n;
    }

    /** Writes the output buffer; @return 0 when all is written and flushed, or PENDING */
    int flushOut(Context cx) {
        while (outPos < outLen) {
            int n = wr.pollWrite(cx, ByteBuffer.wrap(out, outPos, outLen - outPos));
            if (n == AsyncRead.PENDING) {
                return AsyncRead.PENDING;
            }
            outPos += n;
        }
        outPos = outLen = 0;
        if (out.length > 64 * 1024) {
            out = new byte[256];
        }
        return wr.pollFlush(cx) == AsyncRead.PENDING ? AsyncRead.PENDING : 0;
    }

    /** The session ended: queue the Close frame if none was sent (1011 when the session failed). */
    void sessionEnded(RuntimeException error) {
        if (error instanceof WebSocketException) {
            return; // its Close frame is queued already (or the peer is gone)
        }
        queueClose(error == null ? 1000 : 1011, "");
    }

    @Override
    public String toString() {
        return "WebSocket[" + (closeCode < 0 ? "open" : "closed " + closeCode) + "]";
    }
}
