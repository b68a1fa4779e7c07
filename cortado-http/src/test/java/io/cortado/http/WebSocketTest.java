package io.cortado.http;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket.Listener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link WebSocket} on the server: against the JDK's {@link java.net.http.WebSocket} client (echo of text and
 * binary, fragmented sends, ping, close codes both ways, the size limit, over TLS too) and hostile frames over a
 * raw socket, each answered with a Close frame carrying its code and then the end of the connection.
 */
class WebSocketTest extends RuntimeTestBase {
    private static final int MAX = 1024;

    private static final SelfSigned PKI = new SelfSigned();

    private AsyncRuntime rt;
    private HttpServer server;
    private HttpServer tlsServer;
    /** The close code and reason each finished echo session saw, e.g. {@code "4001 done"}. */
    private final BlockingQueue<String> sessions = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() {
        rt = AsyncRuntime.builder().workerThreads(2).build();
        Router router = Router.builder()
                .get("/echo", r -> Futures.ready(WebSocket.upgrade(r, MAX, ws ->
                        ws.then(m -> ws.send(m).map(v -> m)).forEach(m -> { })
                                .orElse(e -> null)
                                .map(v -> {
                                    sessions.add(ws.closeCode() + " " + ws.closeReason());
                                    return null;
                                }))))
                .get("/bye", r -> Futures.ready(WebSocket.upgrade(r, ws ->
                        ws.close(4002, "bye").then(v -> ws.forEach(m -> { })).map(v -> {
                            sessions.add(ws.closeCode() + " " + ws.closeReason());
                            return null;
                        }))))
                .get("/fail", r -> Futures.ready(WebSocket.upgrade(r, ws ->
                        Futures.failed(new IllegalStateException("the session failed")))))
                .build();
        server = HttpServer.builder(router).start(rt.handle(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        tlsServer = HttpServer.builder(router).tls(PKI.acceptor()).start(rt.handle(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        server.close();
        tlsServer.close();
        rt.close();
    }

    private URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + server.localAddress().getPort() + path);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The JDK's client

    /** Collects what the JDK's client receives, one event a line. */
    static final class Events implements Listener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add("text " + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                events.add("binary " + Arrays.toString(binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(java.net.http.WebSocket ws, ByteBuffer message) {
            events.add("pong " + StandardCharsets.UTF_8.decode(message));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(java.net.http.WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(java.net.http.WebSocket ws, Throwable error) {
            closed.complete("error " + error);
        }

        String next() throws InterruptedException {
            String e = events.poll(20, TimeUnit.SECONDS);
            assertNotNull(e, "no event from the server");
            return e;
        }
    }

    private java.net.http.WebSocket connect(HttpClient client, String path, Events events) throws Exception {
        return client.newWebSocketBuilder().buildAsync(uri(path), events).get(20, TimeUnit.SECONDS);
    }

    @Test
    void jdkClientEchoesTextBinaryFragmentsAndPings() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            Events ev = new Events();
            java.net.http.WebSocket ws = connect(client, "/echo", ev);
            ws.sendText("héllo, wörld", true).get(20, TimeUnit.SECONDS);
            assertEquals("text héllo, wörld", ev.next());
            ws.sendBinary(ByteBuffer.wrap(new byte[]{0, 1, 2, (byte) 255}), true).get(20, TimeUnit.SECONDS);
            assertEquals("binary [0, 1, 2, -1]", ev.next());
            // fragments: one message on the server, echoed as one frame
            ws.sendText("frag", false).get(20, TimeUnit.SECONDS);
            ws.sendText("men", false).get(20, TimeUnit.SECONDS);
            ws.sendText("ted", true).get(20, TimeUnit.SECONDS);
            assertEquals("text fragmented", ev.next());
            ws.sendBinary(ByteBuffer.wrap(new byte[]{1}), false).get(20, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(new byte[]{2, 3}), true).get(20, TimeUnit.SECONDS);
            assertEquals("binary [1, 2, 3]", ev.next());
            ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
            assertEquals("pong are you there", ev.next());
            String big = "x".repeat(MAX); // exactly the limit: allowed
            ws.sendText(big, true).get(20, TimeUnit.SECONDS);
            assertEquals("text " + big, ev.next());
            ws.sendClose(4001, "done").get(20, TimeUnit.SECONDS);
            assertEquals("4001 ", ev.closed.get(20, TimeUnit.SECONDS)); // the code is echoed
            assertEquals("4001 done", sessions.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void jdkClientOverTls() throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(PKI.clientContext()).build()) {
            Events ev = new Events();
            URI wss = URI.create("wss://localhost:" + tlsServer.localAddress().getPort() + "/echo");
            java.net.http.WebSocket ws = client.newWebSocketBuilder().buildAsync(wss, ev).get(20, TimeUnit.SECONDS);
            ws.sendText("over TLS", true).get(20, TimeUnit.SECONDS);
            assertEquals("text over TLS", ev.next());
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "").get(20, TimeUnit.SECONDS);
            assertEquals("1000 ", ev.closed.get(20, TimeUnit.SECONDS));
            assertEquals("1000 ", sessions.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void jdkClientSeesTheServersCloseCode() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            Events ev = new Events();
            connect(client, "/bye", ev);
            assertEquals("4002 bye", ev.closed.get(20, TimeUnit.SECONDS));
            // the JDK's client answers the Close itself once onClose returns: the server's stream ends with it
            assertEquals("4002 ", sessions.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void jdkClientGets1009ForAMessageOverTheLimit() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            Events ev = new Events();
            java.net.http.WebSocket ws = connect(client, "/echo", ev);
            ws.sendText("y".repeat(MAX + 1), true).get(20, TimeUnit.SECONDS);
            assertEquals("1009 ", ev.closed.get(20, TimeUnit.SECONDS));
            assertEquals("1009 a message longer than 1024 bytes", sessions.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFailedSessionCloses1011() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            Events ev = new Events();
            connect(client, "/fail", ev);
            assertEquals("1011 ", ev.closed.get(20, TimeUnit.SECONDS));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // A raw socket

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    private static String handshake(String path, String... extra) {
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: keep-alive, Upgrade\r\n");
        for (String e : extra) {
            sb.append(e).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static final String GOOD = handshake("/echo", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13");

    /** A client frame: FIN set unless {@code fin} is false, masked with a fixed key unless {@code mask} is false. */
    static byte[] frame(int opcode, boolean fin, boolean mask, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        int m = mask ? 0x80 : 0;
        if (n < 126) {
            out.write(m | n);
        } else if (n < 65536) {
            out.write(m | 126);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(m | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) n >> (8 * i)));
            }
        }
        byte[] key = {0x37, (byte) 0xfa, 0x21, 0x3d};
        if (mask) {
            out.writeBytes(key);
        }
        for (int i = 0; i < n; i++) {
            out.write(mask ? payload[i] ^ key[i & 3] : payload[i]);
        }
        return out.toByteArray();
    }

    private Socket open() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one server frame as {@code "opcode payload-as-text"} (a Close frame: {@code "8 code reason"}). */
    private static String readFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        assertTrue(b0 >= 0 && b1 >= 0, "the connection ended before a frame");
        assertEquals(0, b1 & 0x80, "a masked server frame");
        assertEquals(0x80, b0 & 0x80, "a fragmented server frame");
        int n = b1 & 0x7f;
        if (n == 126) {
            n = (in.read() << 8) | in.read();
        }
        byte[] p = in.readNBytes(n);
        int op = b0 & 0x0f;
        if (op == 8) {
            int code = ((p[0] & 0xff) << 8) | (p[1] & 0xff);
            return "8 " + code + " " + new String(p, 2, p.length - 2, StandardCharsets.UTF_8);
        }
        return op + " " + new String(p, StandardCharsets.UTF_8);
    }

    @Test
    void theAcceptValueIsRfc6455s() {
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocket.accept(KEY)); // RFC 6455 1.3
    }

    @Test
    void framesSentWithTheHandshakeAreRead() throws Exception {
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(GOOD.getBytes(StandardCharsets.ISO_8859_1));
            all.writeBytes(frame(1, true, true, "first".getBytes(StandardCharsets.UTF_8)));
            all.writeBytes(frame(9, true, true, "p".getBytes(StandardCharsets.UTF_8)));
            all.writeBytes(frame(2, false, true, "sec".getBytes(StandardCharsets.UTF_8)));
            all.writeBytes(frame(9, true, true, "q".getBytes(StandardCharsets.UTF_8))); // between fragments
            all.writeBytes(frame(0, true, true, "ond".getBytes(StandardCharsets.UTF_8)));
            out.write(all.toByteArray()); // one write: the frames follow the head in the buffer
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head);
            assertTrue(head.contains("\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
            assertTrue(head.contains("\r\nConnection: Upgrade\r\n"), head);
            assertTrue(head.contains("\r\nUpgrade: websocket\r\n"), head);
            assertEquals("1 first", readFrame(in));
            assertEquals("10 p", readFrame(in));
            assertEquals("10 q", readFrame(in));
            assertEquals("2 second", readFrame(in));
            out.write(frame(8, true, true, new byte[]{0x03, (byte) 0xe8})); // 1000
            assertEquals("8 1000 ", readFrame(in));
            assertEquals(-1, in.read());
        }
        assertEquals("1000 ", sessions.poll(20, TimeUnit.SECONDS));
    }

    private String hostile(byte[]... frames) throws Exception {
        try (Socket s = open()) {
            OutputStream out = s.getOutputStream();
            out.write(GOOD.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            assertTrue(readHead(in).startsWith("HTTP/1.1 101 "));
            for (byte[] f : frames) {
                out.write(f);
            }
            String close = readFrame(in);
            assertEquals(-1, in.read(), "the connection stays open after " + close);
            return close;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anUnmaskedFrameCloses1002() throws Exception {
        assertEquals("8 1002 ", hostile(frame(1, true, false, bytes("hi"))));
        assertEquals("1002 an unmasked client frame", sessions.poll(20, TimeUnit.SECONDS));
    }

    @Test
    void aMessageOverTheLimitCloses1009BeforeItsPayloadArrives() throws Exception {
        byte[] f = frame(2, true, true, new byte[MAX + 1]);
        assertEquals("8 1009 ", hostile(Arrays.copyOf(f, 8))); // the header only
        // fragments that add up to more than the limit
        assertEquals("8 1009 ", hostile(frame(2, false, true, new byte[MAX / 2]),
                frame(0, false, true, new byte[MAX / 2]), frame(0, true, true, new byte[1])));
    }

    @Test
    void badOpcodesAndFramingClose1002() throws Exception {
        assertEquals("8 1002 ", hostile(frame(3, true, true, new byte[0]))); // reserved data opcode
        assertEquals("8 1002 ", hostile(frame(0x0b, true, true, new byte[0]))); // reserved control opcode
        assertEquals("8 1002 ", hostile(frame(0x41, true, true, bytes("x")))); // RSV3... as opcode bits: RSV set
        assertEquals("8 1002 ", hostile(frame(0, true, true, bytes("x")))); // continuation of nothing
        assertEquals("8 1002 ", hostile(frame(1, false, true, bytes("a")), frame(1, true, true, bytes("b"))));
        assertEquals("8 1002 ", hostile(frame(9, false, true, bytes("p")))); // fragmented ping
        assertEquals("8 1002 ", hostile(frame(9, true, true, new byte[126]))); // long ping
        assertEquals("8 1002 ", hostile(frame(8, true, true, new byte[]{3}))); // one-byte close payload
        assertEquals("8 1002 ", hostile(frame(8, true, true, new byte[]{0x03, (byte) 0xed}))); // 1005
    }

    @Test
    void invalidUtf8Closes1007() throws Exception {
        assertEquals("8 1007 ", hostile(frame(1, true, true, new byte[]{'o', 'k', (byte) 0xc3, 0x28})));
        // split inside a fragmented message: a valid first half, an invalid whole
        assertEquals("8 1007 ", hostile(frame(1, false, true, new byte[]{(byte) 0xed}),
                frame(0, true, true, new byte[]{(byte) 0xa0, (byte) 0x80}))); // a surrogate
        assertEquals("8 1007 ", hostile(frame(8, true, true, new byte[]{0x03, (byte) 0xe8, (byte) 0xff})));
        assertEquals("1007 a text message that is not UTF-8", sessions.poll(20, TimeUnit.SECONDS));
    }

    @Test
    void badHandshakesGetTheirStatus() throws Exception {
        String[][] cases = {
                {handshake("/echo", "Sec-WebSocket-Version: 13"), "400"},
                {handshake("/echo", "Sec-WebSocket-Key: short", "Sec-WebSocket-Version: 13"), "400"},
                {handshake("/echo", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 8"), "426"},
                {"GET /echo HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Key: " + KEY
                        + "\r\nSec-WebSocket-Version: 13\r\n\r\n", "400"},
        };
        for (String[] c : cases) {
            try (Socket s = open()) {
                s.getOutputStream().write(c[0].getBytes(StandardCharsets.ISO_8859_1));
                String head = readHead(s.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 " + c[1] + " "), c[0] + " answered " + head);
            }
        }
    }
}
