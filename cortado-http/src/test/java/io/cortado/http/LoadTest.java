package io.cortado.http;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server under many clients (blocking sockets on platform threads: virtual ones would make the JDK open its
 * pollers for good, which the descriptor check counts): many concurrent keep-alive clients checked
 * byte for byte, slow senders and non-reading clients that do not starve the others, and the time-outs and the
 * connection limit.
 */
class LoadTest extends RuntimeTestBase {
    private static final int SCALE = Integer.getInteger("cortado.stress.scale", 1);
    private AsyncRuntime rt;
    private HttpServer server;

    private void start(HttpServer.Builder b) {
        rt = AsyncRuntime.builder().workerThreads(2).build();
        server = b.start(rt.handle(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (rt != null) {
            rt.close();
        }
    }

    static Router router() {
        byte[] big = new byte[64 * 1024];
        return Router.builder()
                .get("/c/{id}/{k}", r -> Futures.ready(Response.text(r.pathParam("id") + ":" + r.pathParam("k"))
                        .header("X-Id", r.pathParam("id"))))
                .get("/big", r -> Futures.ready(Response.of(200).body(big)))
                .build();
    }

    private static ExecutorService clients() {
        return Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("http-test-client-", 0).factory());
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort());
        s.setTcpNoDelay(true);
        return s;
    }

    /** @return one response (head and Content-Length body), with the Date value replaced by {@code D} */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the connection ended in a head: " + head);
            }
            head.append((char) b);
        }
        String h = head.toString();
        int at = h.indexOf("Content-Length: ");
        int len = Integer.parseInt(h.substring(at + 16, h.indexOf('\r', at)));
        byte[] body = in.readNBytes(len);
        return Scripted.normalise(h) + new String(body, StandardCharsets.ISO_8859_1);
    }

    static String expected(int id, int k) {
        String body = id + ":" + k;
        return "HTTP/1.1 200 OK\r\nServer: cortado\r\nDate: D\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "X-Id: " + id + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private void client(int id, int requests) throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int k = 0; k < requests; k += 2) {
                // two pipelined requests per write
                out.write(("GET /c/" + id + "/" + k + " HTTP/1.1\r\nHost: x\r\n\r\nGET /c/" + id + "/" + (k + 1)
                        + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                assertEquals(expected(id, k), readResponse(in));
                assertEquals(expected(id, k + 1), readResponse(in));
            }
        }
    }

    @Test
    void manyConcurrentKeepAliveClientsGetTheirOwnResponsesByteForByte() throws Exception {
        start(HttpServer.builder(router()));
        int clients = SCALE == 1 ? 200 : 1000;
        AtomicInteger done = new AtomicInteger();
        try (ExecutorService ex = clients()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int id = i;
                all.add(ex.submit(() -> {
                    client(id, 20);
                    done.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        }
        assertEquals(clients, done.get());
    }

    @Test
    @SuppressWarnings("try") // the sockets are closed early on purpose
    void slowSendersAndNonReadingClientsDoNotStarveOthers() throws Exception {
        start(HttpServer.builder(router()).headerReadTimeout(Duration.ofSeconds(30)));
        AtomicBoolean fastDone = new AtomicBoolean();
        AtomicInteger slowBytesBeforeFastDone = new AtomicInteger();
        try (ExecutorService ex = clients();
             Socket hog = connect()) {
            // a client that pipelines requests for large responses and never reads them
            OutputStream hogOut = hog.getOutputStream();
            Future<?> hogWriter = ex.submit(() -> {
                byte[] req = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                try {
                    while (!fastDone.get()) {
                        hogOut.write(req); // blocks once both directions are full: the server stopped reading
                    }
                } catch (IOException closed) {
                    // the test closed the socket
                }
                return null;
            });
            // a client that sends its head one byte at a time (a header value that grows) until the fast clients
            // are done
            java.util.concurrent.CountDownLatch slowStarted = new java.util.concurrent.CountDownLatch(1);
            Future<String> slow = ex.submit(() -> {
                try (Socket s = connect()) {
                    OutputStream out = s.getOutputStream();
                    out.write("GET /c/7/7 HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                    int sent = 0;
                    while (!fastDone.get() && sent < 10_000) {
                        out.write('a');
                        sent++;
                        slowStarted.countDown();
                        Thread.sleep(20); // sleep-ok: pacing of a slow client, not synchronisation
                    }
                    slowBytesBeforeFastDone.set(sent);
                    out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    return readResponse(s.getInputStream());
                }
            });
            slowStarted.await();
            List<Future<?>> fast = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int id = 1000 + i;
                fast.add(ex.submit(() -> {
                    client(id, 50);
                    return null;
                }));
            }
            for (Future<?> f : fast) {
                f.get();
            }
            fastDone.set(true);
            assertEquals(expected(7, 7), slow.get());
            int sent = slowBytesBeforeFastDone.get();
            assertTrue(sent > 0 && sent < 10_000,
                    "the fast clients finished while the slow head was in flight: " + sent);
            hog.close();
            hogWriter.get();
        }
    }

    @Test
    void aHeadThatTakesTooLongGets408AndAnIdleConnectionIsClosed() throws Exception {
        start(HttpServer.builder(router()).headerReadTimeout(Duration.ofMillis(200))
                .idleTimeout(Duration.ofMillis(300)));
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /c/1/1 HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(r.startsWith("HTTP/1.1 408 Request Timeout\r\n"), r);
            assertTrue(r.contains("Connection: close\r\n"), r);
        }
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /c/1/1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(expected(1, 1), readResponse(s.getInputStream()));
            assertEquals(-1, s.getInputStream().read(), "closed after the idle time-out, without a response");
        }
    }

    /** The idle timer is re-armed lazily; a connection that keeps sending is never cut by it. */
    @Test
    void aBusyConnectionOutlivesTheIdleTimeOut() throws Exception {
        start(HttpServer.builder(router()).idleTimeout(Duration.ofMillis(150)));
        try (Socket s = connect()) {
            for (int k = 0; k < 10; k++) { // 10 requests 60 ms apart: 4 idle time-outs long
                s.getOutputStream().write(("GET /c/5/" + k + " HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals(expected(5, k), readResponse(s.getInputStream()));
                Thread.sleep(60); // sleep-ok: a client's pace, not synchronisation
            }
            assertEquals(-1, s.getInputStream().read(), "closed once it stays idle");
        }
    }

    @Test
    @SuppressWarnings("try") // the first socket is closed early on purpose
    void atTheConnectionLimitTheServerWaitsForAConnectionToEnd() throws Exception {
        start(HttpServer.builder(router()).maxConnections(1));
        try (Socket first = connect(); Socket second = connect()) {
            first.getOutputStream().write("GET /c/1/1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(expected(1, 1), readResponse(first.getInputStream()));
            second.getOutputStream().write("GET /c/2/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            second.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> second.getInputStream().read(),
                    "the second connection is not served while the first is open");
            first.close();
            second.setSoTimeout(10_000);
            assertEquals(expected(2, 2), readResponse(second.getInputStream()));
        }
    }
}
