package io.cortado.http;

import com.sun.net.httpserver.HttpExchange;
import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.stream.Streams;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.tls.TlsConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HttpClient} against the JDK's {@code com.sun.net.httpserver.HttpServer} and cortado-http's own server
 * (plain and TLS): bodies both ways in both framings, keep-alive reuse counted on the server side, the per-origin
 * connection limit; and against hostile servers (an oversized head, a malformed status line, bad chunked framing,
 * an early close, a server that never answers), each failing that request only with a clear error.
 */
class HttpClientTest extends RuntimeTestBase {
    private static final SelfSigned PKI = new SelfSigned();

    private AsyncRuntime rt;
    private com.sun.net.httpserver.HttpServer jdk;
    private ExecutorService jdkPool;
    private HttpServer cortado;
    private HttpServer cortadoTls;
    private HttpClient client;
    /** The client ports the JDK server saw: one per connection. */
    private final Set<Integer> jdkPeers = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws IOException {
        rt = AsyncRuntime.builder().workerThreads(2).build();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        jdk = com.sun.net.httpserver.HttpServer.create(any, 0);
        jdkPool = Executors.newFixedThreadPool(4);
        jdk.setExecutor(jdkPool);
        jdk.createContext("/hello", ex -> answer(ex, 200, "hello", false));
        jdk.createContext("/chunked", ex -> answer(ex, 200, "x".repeat(10_000), true));
        jdk.createContext("/echo", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            answer(ex, 201, ex.getRequestMethod() + " " + new String(in, StandardCharsets.UTF_8)
                    + " te=" + ex.getRequestHeaders().getFirst("Transfer-Encoding"), true);
        });
        jdk.createContext("/redirect", ex -> {
            ex.getResponseHeaders().add("Location", "/hello");
            answer(ex, 302, "", false);
        });
        jdk.start();
        Router router = Router.builder()
                .get("/hello", r -> Futures.ready(Response.text("Hello, World!")))
                .post("/echo", r -> r.body().bytes().map(b -> Response.of(200)
                        .header("X-Chunked", String.valueOf(r.contentLength() < 0)).body(b)))
                .get("/stream", r -> Futures.ready(Response.of(200).body(Streams.iter(List.of(
                        buf("one "), buf("two "), buf("three"))))))
                .build();
        cortado = HttpServer.builder(router).start(rt.handle(), any);
        cortadoTls = HttpServer.builder(router).tls(PKI.acceptor()).start(rt.handle(), any);
        client = HttpClient.builder().maxConnectionsPerOrigin(2)
                .tls(TlsConnector.builder().trust(List.of(PKI.ca)).build()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        cortado.close();
        cortadoTls.close();
        jdk.stop(0);
        jdkPool.shutdownNow();
        rt.close();
    }

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private void answer(HttpExchange ex, int status, String body, boolean chunked) throws IOException {
        jdkPeers.add(ex.getRemoteAddress().getPort());
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, chunked ? 0 : b.length == 0 ? -1 : b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private String jdkUrl(String path) {
        return "http://127.0.0.1:" + jdk.getAddress().getPort() + path;
    }

    private String url(HttpServer s, String path) {
        return (s == cortadoTls ? "https://localhost:" : "http://127.0.0.1:") + s.localAddress().getPort() + path;
    }

    /** Sends and reads the whole body: {@code "status body"}. */
    private String fetch(ClientRequest req) {
        Future<String> f = client.send(req).then(r -> r.text().map(t -> r.status() + " " + t));
        return rt.blockOn(f);
    }

    @Test
    void againstTheJdkServer() {
        assertEquals("200 hello", fetch(ClientRequest.get(jdkUrl("/hello"))));
        assertEquals("200 " + "x".repeat(10_000), fetch(ClientRequest.get(jdkUrl("/chunked"))));
        assertEquals("201 POST body te=null", fetch(ClientRequest.post(jdkUrl("/echo"), bytes("body"))));
        ClientRequest streamed = ClientRequest.of("PUT", URI.create(jdkUrl("/echo")))
                .body(Streams.iter(List.of(buf("a"), buf("bc"), buf("def"))), -1);
        assertEquals("201 PUT abcdef te=chunked", fetch(streamed));
        ClientRequest sized = ClientRequest.of("PUT", URI.create(jdkUrl("/echo")))
                .body(Streams.iter(List.of(buf("ab"), buf("c"))), 3);
        assertEquals("201 PUT abc te=null", fetch(sized));
        // redirects are not followed
        ClientResponse r = rt.blockOn(client.send(ClientRequest.get(jdkUrl("/redirect"))));
        assertEquals(302, r.status());
        assertEquals("/hello", r.header("location"));
        rt.blockOn(r.bytes());
        // every request went over one kept-alive connection
        assertEquals(1, jdkPeers.size(), "connections the server saw: " + jdkPeers);
        assertEquals(1, client.openConnections());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void concurrentRequestsShareAtMostTheLimitOfConnections() {
        List<Future<String>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(client.send(ClientRequest.get(jdkUrl("/chunked"))).then(ClientResponse::text));
        }
        List<String> bodies = rt.blockOn(Futures.joinAll(all));
        bodies.forEach(b -> assertEquals(10_000, b.length()));
        assertTrue(jdkPeers.size() <= 2, "more connections than the limit: " + jdkPeers);
        assertTrue(client.openConnections() <= 2);
    }

    @Test
    void idleConnectionsPastTheTimeOutAreClosed() {
        try (HttpClient noReuse = HttpClient.builder().idleTimeout(Duration.ZERO).build()) {
            for (int i = 0; i < 3; i++) {
                Future<String> f = noReuse.send(ClientRequest.get(jdkUrl("/hello"))).then(ClientResponse::text);
                assertEquals("hello", rt.blockOn(f));
                assertEquals(1, noReuse.openConnections(), "the idle one was closed before a new one was opened");
            }
            assertEquals(3, jdkPeers.size(), "connections the server saw: " + jdkPeers);
        }
    }

    @Test
    void againstCortadosServerPlainAndTls() {
        for (HttpServer s : List.of(cortado, cortadoTls)) {
            assertEquals("200 Hello, World!", fetch(ClientRequest.get(url(s, "/hello"))));
            assertEquals("200 one two three", fetch(ClientRequest.get(url(s, "/stream"))));
            ClientRequest up = ClientRequest.of("POST", URI.create(url(s, "/echo")))
                    .body(Streams.iter(List.of(buf("x"), buf("yz"))), -1);
            ClientResponse r = rt.blockOn(client.send(up));
            assertEquals("true", r.header("X-Chunked"));
            assertEquals("xyz", rt.blockOn(r.text()));
            assertEquals("200 ", fetch(ClientRequest.post(url(s, "/echo"), new byte[0])));
        }
        assertEquals(2, client.openConnections(), "one kept-alive connection per origin");
    }

    @Test
    void hostnameVerificationIsOn() {
        // a server on another loopback address (Linux routes 127/8 to lo): the certificate does not name it
        HttpServer other = HttpServer.builder(r -> Futures.ready(Response.text("no"))).tls(PKI.acceptor())
                .start(rt.handle(), new InetSocketAddress("127.0.0.2", 0));
        try {
            String wrongName = "https://127.0.0.2:" + other.localAddress().getPort() + "/";
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> fetch(ClientRequest.get(wrongName)));
            String all = e + " " + e.getCause() + " " + e.getCause().getCause();
            assertTrue(all.contains("127.0.0.2"), all); // "No subject alternative names matching IP address"
            assertEquals(0, client.openConnections());
            // the same server with the check off: only the name was wrong
            try (HttpClient lax = HttpClient.builder().tls(TlsConnector.builder().trust(List.of(PKI.ca))
                    .dangerouslyDisableHostnameVerification().build()).build()) {
                Future<String> f = lax.send(ClientRequest.get(wrongName)).then(ClientResponse::text);
                assertEquals("no", rt.blockOn(f));
            }
        } finally {
            other.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hostile servers

    /**
     * A server on a raw socket: connection {@code i} reads one request head and answers {@code script.apply(i)}
     * (then closes); serves until the test ends.
     */
    private static final class Raw implements AutoCloseable {
        final ServerSocket socket;
        final Thread thread;
        final CountDownLatch served = new CountDownLatch(1);
        final AtomicInteger accepted = new AtomicInteger();

        Raw(Function<Integer, byte[]> script) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = Thread.ofPlatform().name("raw-http-server").start(() -> {
                for (int i = 0; ; i++) {
                    try (Socket s = socket.accept()) {
                        accepted.incrementAndGet();
                        readHead(s.getInputStream());
                        byte[] answer = script.apply(i);
                        if (answer != null) {
                            s.getOutputStream().write(answer);
                            s.getOutputStream().flush();
                        } else {
                            served.await(); // never answer (until the test ends)
                        }
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private static void readHead(InputStream in) throws IOException {
            int state = 0;
            while (state < 4) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                        ? state + 1 : 0;
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/";
        }

        @Override
        public void close() throws IOException {
            served.countDown();
            socket.close();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final byte[] GOOD = bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    private void hostile(String expected, byte[] answer) throws Exception {
        try (Raw raw = new Raw(i -> i == 0 ? answer : GOOD)) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> fetch(ClientRequest.get(raw.url())));
            assertTrue(e instanceof HttpClientException, e.toString());
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            // only that request failed: the next one (a new connection) and other origins are served
            assertEquals("200 ok", fetch(ClientRequest.get(raw.url())));
            assertEquals("200 hello", fetch(ClientRequest.get(jdkUrl("/hello"))));
        }
    }

    @Test
    void aStaleIdleConnectionIsReplacedOnce() throws Exception {
        // the raw server closes each connection after its answer, which says nothing of closing: the client pools
        // the connection, finds it dead at the next request and sends that request again on a new one
        try (Raw raw = new Raw(i -> GOOD)) {
            for (int i = 0; i < 3; i++) {
                assertEquals("200 ok", fetch(ClientRequest.get(raw.url())));
            }
            assertEquals(3, raw.accepted.get());
        }
        // a body stream cannot be sent twice: that request fails instead
        try (Raw raw = new Raw(i -> GOOD)) {
            assertEquals("200 ok", fetch(ClientRequest.get(raw.url())));
            ClientRequest once = ClientRequest.of("POST", URI.create(raw.url()))
                    .body(Streams.iter(List.of(buf("x"))), 1);
            assertThrows(UncheckedIOException.class, () -> fetch(once));
        }
    }

    @Test
    void anOversizedHeadFails() throws Exception {
        hostile("a response head larger than 65536 bytes",
                bytes("HTTP/1.1 200 OK\r\n" + "X-Big: y\r\n".repeat(7000) + "\r\n"));
    }

    @Test
    void aMalformedStatusLineFails() throws Exception {
        hostile("a malformed status line", bytes("HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"));
        hostile("a status line longer than 8192 bytes", bytes("HTTP/1.1 200 " + "O".repeat(9000)));
        hostile("a bare CR or LF", bytes("HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n"));
        hostile("both Content-Length and Transfer-Encoding", bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"));
        hostile("different Content-Length values", bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
                + "Content-Length: 3\r\n\r\nok"));
    }

    @Test
    void badChunkedFramingFailsTheBody() throws Exception {
        hostile("malformed chunk size", bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n"));
        hostile("chunk data not followed by CRLF",
                bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX"));
    }

    @Test
    void anEarlyCloseFails() throws Exception {
        hostile("the connection ended inside the response body",
                bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
        hostile("the connection ended inside the response head", bytes("HTTP/1.1 200 OK\r\nContent-"));
    }

    @Test
    void aBodyOverTheLimitFails() throws Exception {
        String[][] cases = {
                {"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world", "a response body of 11 bytes"},
                {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n",
                        "chunked body over the limit 10"},
                {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello world", "a response body over the limit 10"},
        };
        try (HttpClient small = HttpClient.builder().maxBodyBytes(10).build()) {
            for (String[] c : cases) {
                try (Raw raw = new Raw(i -> i == 0 ? bytes(c[0]) : GOOD)) {
                    Future<String> f = small.send(ClientRequest.get(raw.url())).then(ClientResponse::text);
                    HttpClientException e = assertThrows(HttpClientException.class, () -> rt.blockOn(f));
                    assertTrue(e.getMessage().contains(c[1]), e.getMessage());
                    assertEquals("ok", rt.blockOn(small.send(ClientRequest.get(raw.url())).then(ClientResponse::text)));
                }
            }
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (HttpClient impatient = HttpClient.builder().requestTimeout(Duration.ofMillis(300)).build();
             Raw raw = new Raw(i -> i == 0 ? null : GOOD)) {
            HttpClientException e = assertThrows(HttpClientException.class,
                    () -> rt.blockOn(impatient.send(ClientRequest.get(raw.url()))));
            assertTrue(e.getMessage().contains("no response head within PT0.3S"), e.getMessage());
            assertEquals(0, impatient.openConnections(), "the timed-out connection is closed");
        }
    }
}
