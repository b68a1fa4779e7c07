package io.cortado.http;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.stream.Streams;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server against real peers: Debian's {@code curl} and the JDK's {@link HttpClient}, over plain TCP and TLS
 * (a test CA; ALPN {@code http/1.1}): keep-alive, chunked upload and download, HEAD, 100-continue.
 */
class InteropTest extends RuntimeTestBase {
    private static final SelfSigned PKI = new SelfSigned();

    private AsyncRuntime rt;
    private HttpServer server;
    private HttpServer tlsServer;

    static Router routes() {
        return Router.builder()
                .get("/hello", r -> Futures.ready(Response.text("Hello, World!")))
                .post("/echo", r -> r.body().bytes().map(b -> Response.of(200)
                        .header("X-Chunked", String.valueOf(r.contentLength() < 0)).body(b)))
                .get("/stream/{n}", r -> {
                    int n = Integer.parseInt(r.pathParam("n"));
                    List<ByteBuffer> parts = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        parts.add(ByteBuffer.wrap(("part " + i + "\n").getBytes(StandardCharsets.US_ASCII)));
                    }
                    return Futures.ready(Response.of(200).body(Streams.iter(parts)));
                })
                .build();
    }

    static String streamed(int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("part ").append(i).append('\n');
        }
        return sb.toString();
    }

    @BeforeEach
    void start() {
        rt = AsyncRuntime.builder().workerThreads(2).build();
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = HttpServer.builder(routes()).start(rt.handle(), any);
        tlsServer = HttpServer.builder(routes()).tls(PKI.acceptor()).start(rt.handle(), any);
    }

    @AfterEach
    void stop() {
        server.close();
        tlsServer.close();
        rt.close();
    }

    private String url(boolean tls, String path) {
        HttpServer s = tls ? tlsServer : server;
        return (tls ? "https" : "http") + "://127.0.0.1:" + s.localAddress().getPort() + path;
    }

    // ---------------------------------------------------------------------------------------------------------
    // curl

    record Run(int exit, String out, String err) {
    }

    private static Run curl(Path dir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--http1.1", "--max-time", "20"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        byte[] out = readAll(p.getInputStream());
        int exit = p.waitFor();
        p.getOutputStream().close();
        return new Run(exit, new String(out, StandardCharsets.ISO_8859_1),
                new String(err.get(), StandardCharsets.ISO_8859_1));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String[] tlsArgs(boolean tls, Path dir) throws Exception {
        return tls ? new String[]{"--cacert", PKI.writeCa(dir).toString()} : new String[0];
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void curlKeepsTheConnectionAliveAcrossRequests(boolean tls, @TempDir Path dir) throws Exception {
        Run r = curl(dir, concat(tlsArgs(tls, dir), "-w", "[%{num_connects} %{http_version}]",
                url(tls, "/hello"), url(tls, "/hello"), url(tls, "/hello")));
        assertEquals(0, r.exit, r.err);
        assertEquals("Hello, World![1 1.1]Hello, World![0 1.1]Hello, World![0 1.1]", r.out);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void curlUploadsChunkedAndDownloadsChunked(boolean tls, @TempDir Path dir) throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        Files.write(dir.resolve("data"), data);
        Run up = curl(dir, concat(tlsArgs(tls, dir), "-H", "Transfer-Encoding: chunked", "-H", "Expect:",
                "--data-binary", "@data", "-o", "got", "-D", "headers", url(tls, "/echo")));
        assertEquals(0, up.exit, up.err);
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("got")));
        assertTrue(Files.readString(dir.resolve("headers")).contains("X-Chunked: true"));

        Run down = curl(dir, concat(tlsArgs(tls, dir), "-i", url(tls, "/stream/500")));
        assertEquals(0, down.exit, down.err);
        assertTrue(down.out.contains("Transfer-Encoding: chunked\r\n"), down.out);
        assertTrue(down.out.endsWith("\r\n\r\n" + streamed(500)), down.out);
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void curlHeadAndExpectContinue(boolean tls, @TempDir Path dir) throws Exception {
        Run head = curl(dir, concat(tlsArgs(tls, dir), "-I", url(tls, "/hello")));
        assertEquals(0, head.exit, head.err);
        assertTrue(head.out.startsWith("HTTP/1.1 200 OK\r\n"), head.out);
        assertTrue(head.out.contains("Content-Length: 13\r\n"), head.out);
        assertTrue(head.out.endsWith("\r\n\r\n"), "no body: " + head.out);

        Files.writeString(dir.resolve("small"), "some body");
        Run cont = curl(dir, concat(tlsArgs(tls, dir), "-v", "-H", "Expect: 100-continue", "--data-binary",
                "@small", url(tls, "/echo")));
        assertEquals(0, cont.exit, cont.err);
        assertTrue(cont.err.contains("< HTTP/1.1 100 Continue"), cont.err);
        assertEquals("some body", cont.out);
        if (tls) {
            assertTrue(cont.err.contains("ALPN: server accepted http/1.1"), cont.err);
        }
    }

    @Test
    void curlGets404And405(@TempDir Path dir) throws Exception {
        Run r = curl(dir, "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_code} ", url(false, "/nope"),
                "-X", "DELETE",
                url(false, "/hello"));
        assertEquals("404 405 ", r.out);
    }

    // ---------------------------------------------------------------------------------------------------------
    // the JDK's HttpClient

    private HttpClient client(boolean tls) {
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (tls) {
            b.sslContext(PKI.clientContext());
        }
        return b.build();
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {false, true})
    void httpClientKeepAliveChunkedHeadAndContinue(boolean tls) throws Exception {
        try (HttpClient c = client(tls)) {
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url(tls, "/hello"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("Hello, World!", r.body());
                assertEquals(HttpClient.Version.HTTP_1_1, r.version());
                assertEquals("cortado", r.headers().firstValue("server").orElseThrow());
                assertTrue(r.headers().firstValue("date").isPresent());
            }
            // chunked upload: a body publisher of unknown length
            byte[] data = new byte[200_000];
            new java.util.Random(3).nextBytes(data);
            HttpRequest up = HttpRequest.newBuilder(URI.create(url(tls, "/echo")))
                    .POST(unknownLength(data)).build();
            HttpResponse<byte[]> echoed = c.send(up, HttpResponse.BodyHandlers.ofByteArray());
            assertEquals("true", echoed.headers().firstValue("x-chunked").orElseThrow());
            assertArrayEquals(data, echoed.body());
            // chunked download
            HttpResponse<String> down = c.send(HttpRequest.newBuilder(URI.create(url(tls, "/stream/2000"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(streamed(2000), down.body());
            // HEAD
            HttpResponse<String> head = c.send(HttpRequest.newBuilder(URI.create(url(tls, "/hello")))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("13", head.headers().firstValue("content-length").orElseThrow());
            assertEquals("", head.body());
            // 100-continue
            HttpRequest continued = HttpRequest.newBuilder(URI.create(url(tls, "/echo"))).expectContinue(true)
                    .POST(HttpRequest.BodyPublishers.ofString("continued")).build();
            HttpResponse<String> cont = c.send(continued, HttpResponse.BodyHandlers.ofString());
            assertEquals("continued", cont.body());
        }
    }

    private static HttpRequest.BodyPublisher unknownLength(byte[] data) {
        HttpRequest.BodyPublisher inner = HttpRequest.BodyPublishers.ofByteArray(data);
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return -1;
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
                inner.subscribe(s);
            }
        };
    }

    @Test
    void httpClientWithDefaultVersionOverTlsNegotiatesHttp11() throws Exception {
        try (HttpClient c = HttpClient.newBuilder().sslContext(PKI.clientContext()).build()) {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url(true, "/hello"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_1_1, r.version());
            assertEquals("Hello, World!", r.body());
        }
    }

}
