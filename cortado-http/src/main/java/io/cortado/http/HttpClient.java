package io.cortado.http;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.net.TcpStream;
import io.cortado.stream.Stream;
import io.cortado.time.TimeoutException;
import io.cortado.tls.TlsConnector;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP/1.1 client on Cortado's TCP and TLS: a pool of keep-alive connections per origin, request and response
 * bodies as streams ({@code Content-Length} or chunked both ways), time-outs, and limits on what a server sends
 * back. Redirects are not followed (a {@code 3xx} is returned as it is).
 *
 * <pre>{@code
 * try (HttpClient client = HttpClient.builder().build()) {
 *     String text = runtime.blockOn(client.send(ClientRequest.get("http://127.0.0.1:8080/hello"))
 *             .then(ClientResponse::text));
 * }
 * }</pre>
 *
 * <p>Rules of the pool (per origin, {@code scheme://host:port}; its state is guarded by its monitor):
 * <ol>
 *   <li>At most {@code maxConnectionsPerOrigin} connections are open (idle, in use or connecting); a request
 *       over the limit waits until one is given back or closed (every waiter is woken then and tries again).</li>
 *   <li>A connection goes back to the pool only after its response body was read to the end, when both sides
 *       allow keep-alive (HTTP/1.1, no {@code Connection: close}) and the body was framed by length or chunks;
 *       any failure, a cancelled exchange or body, or a close-delimited body closes it.</li>
 *   <li>The most recently used idle connection is taken first; idle connections older than the idle time-out
 *       are closed when the pool is next used, and all of them when the client closes.</li>
 *   <li>A request whose bytes are replayable (no body stream) and that fails on a reused connection before any
 *       byte of a response arrived (the server closed the idle connection) is sent once more on a new
 *       connection; the other idle connections of that origin are closed first.</li>
 * </ol>
 *
 * <p>Thread-safe: {@link #send} may be called from any task; each exchange is polled by the task that awaits it.
 * Guarded by {@code HttpClientTest} (the JDK's {@code com.sun.net.httpserver} and cortado-http's server as peers,
 * pooled reuse counted, hostile servers).
 */
public final class HttpClient implements AutoCloseable {
    private final int maxConnections;
    private final Duration idleTimeout;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Limits limits;
    private final TlsConnector tls;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private HttpClient(Builder b) {
        this.maxConnections = b.maxConnections;
        this.idleTimeout = b.idleTimeout;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.limits = new Limits(b.maxStatusLine, b.maxHeaderBytes, b.maxHeaders, b.maxBody,
                Duration.ofSeconds(1), Duration.ofSeconds(1), Long.MAX_VALUE, 1);
        this.tls = b.tls;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends {@code request} on a pooled connection to its origin (opening one if none is idle and the limit
     * allows) and reads the response head; the body is read as the response's {@link ClientResponse#body()} is
     * polled.
     *
     * <p><b>Cancel safety:</b> not cancel-safe: cancelling closes the connection the request was on (the
     * request may or may not have reached the server).
     *
     * @return a lazy future of the response; it fails with an {@link HttpClientException} when the server's
     * answer breaks the protocol or the limits, the connection ends before the head, or a time-out passes (connect,
     * request); with an {@link UncheckedIOException} when connecting fails
     */
    public Future<ClientResponse> send(ClientRequest request) {
        Objects.requireNonNull(request, "request");
        Future<ClientResponse> f = new Exchange(request);
        if (requestTimeout == null) {
            return f;
        }
        return new Future<>() {
            private Future<ClientResponse> limited;

            @Override
            public Poll<ClientResponse> poll(Context cx) {
                if (limited == null) {
                    limited = f.timeout(requestTimeout); // at the first poll: the runtime's clock is known there
                }
                try {
                    return limited.poll(cx);
                } catch (TimeoutException e) {
                    throw new HttpClientException(request + ": no response head within " + requestTimeout, e);
                }
            }

            @Override
            public void cancel() {
                if (limited != null) {
                    limited.cancel();
                } else {
                    f.cancel();
                }
            }
        };
    }

    /** @return the number of open connections (idle, in use and connecting) over every origin */
    public int openConnections() {
        int n = 0;
        for (Pool p : pools.values()) {
            n += p.open();
        }
        return n;
    }

    /** Closes every idle connection; connections in use close when their exchange ends. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (Pool p : pools.values()) {
            p.closeIdle();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Connections and pools

    /** One connection: its streams and input buffer. Used by one exchange at a time. */
    static final class Conn {
        final AutoCloseable closer;
        final AsyncRead r;
        final AsyncWrite w;
        final Wire wire;
        long idleSince;
        boolean reused;

        Conn(AutoCloseable closer, AsyncRead r, AsyncWrite w, Limits limits) {
            this.closer = closer;
            this.r = r;
            this.w = w;
            this.wire = new Wire(limits, r);
        }

        void close() {
            try {
                closer.close();
            } catch (Exception e) {
                // closing a failed connection: nothing left to do
            }
        }
    }

    /** An origin's connections (Rules 1-3). */
    final class Pool {
        private final ArrayDeque<Conn> idle = new ArrayDeque<>();
        private final List<Waker> waiters = new ArrayList<>();
        private int open;

        synchronized int open() {
            return open;
        }

        /** @return an idle connection, {@link #NEW} (a permit to open one, counted), or null (waiting) */
        Object acquire(Context cx, boolean fresh) {
            List<Conn> stale = new ArrayList<>();
            Object got;
            synchronized (this) {
                long now = System.nanoTime();
                while (!idle.isEmpty() && (fresh || now - idle.peekLast().idleSince >= idleTimeout.toNanos())) {
                    stale.add(idle.pollLast()); // the oldest are at the end
                    open--;
                }
                if (!idle.isEmpty()) {
                    got = idle.pollFirst();
                } else if (open < maxConnections) {
                    open++;
                    got = NEW;
                } else {
                    waiters.add(cx.waker());
                    got = null;
                }
            }
            stale.forEach(Conn::close);
            return got;
        }

        void release(Conn c) {
            if (closed) {
                discard(c);
                return;
            }
            List<Waker> wake;
            synchronized (this) {
                c.idleSince = System.nanoTime();
                c.reused = true;
                idle.addFirst(c);
                wake = takeWaiters();
            }
            wake.forEach(Waker::wake);
        }

        /** Closes {@code c} (null: a permit whose connection was never made) and frees its place. */
        void discard(Conn c) {
            if (c != null) {
                c.close();
            }
            List<Waker> wake;
            synchronized (this) {
                open--;
                wake = takeWaiters();
            }
            wake.forEach(Waker::wake);
        }

        void closeIdle() {
            List<Conn> all;
            synchronized (this) {
                all = new ArrayList<>(idle);
                open -= idle.size();
                idle.clear();
            }
            all.forEach(Conn::close);
        }

        private List<Waker> takeWaiters() {
            if (waiters.isEmpty()) {
                return List.of();
            }
            List<Waker> w = new ArrayList<>(waiters);
            waiters.clear();
            return w;
        }
    }

    private static final Object NEW = new Object();

    // ---------------------------------------------------------------------------------------------------------
    // One exchange

    private static final byte[] CRLF = {'\r', '\n'};

    /**
     * One request and its response head: a poll state machine
     * {@code ACQUIRE → CONNECT → WRITE (⇄ STREAM) → HEAD}.
     * It owns its connection (or permit) until it hands it to the response body; a failure or cancellation
     * before then discards it.
     */
    private final class Exchange implements Future<ClientResponse> {
        private static final int ACQUIRE = 0;
        private static final int CONNECT = 1;
        private static final int WRITE = 2;
        private static final int STREAM = 3;
        private static final int HEAD = 4;
        private static final int DONE = 5;

        private final ClientRequest req;
        private final String host;
        private final int port;
        private final boolean https;
        private final Pool pool;
        private int state = ACQUIRE;
        private boolean permit;
        private Conn conn;
        private Future<? extends AutoCloseable> connecting;
        private ByteBuffer out;
        private Stream<ByteBuffer> body;
        private long bodyLeft;
        private boolean chunked;
        private boolean retried;
        private boolean fresh;
        private int scanned;
        private long received;

        Exchange(ClientRequest req) {
            this.req = req;
            URI u = req.uri();
            this.https = u.getScheme().equalsIgnoreCase("https");
            String h = u.getHost();
            this.host = h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
            this.port = u.getPort() >= 0 ? u.getPort() : https ? 443 : 80;
            String origin = (https ? "https://" : "http://") + host.toLowerCase(Locale.ROOT) + ":" + port;
            this.pool = pools.computeIfAbsent(origin, k -> new Pool());
        }

        @Override
        public Poll<ClientResponse> poll(Context cx) {
            for (; ; ) {
                try {
                    return run(cx);
                } catch (RuntimeException e) {
                    boolean retry = conn != null && conn.reused && received == 0 && !retried
                            && req.stream() == null && !(e instanceof HttpClientException) && state >= WRITE;
                    giveUp();
                    if (!retry) {
                        state = DONE;
                        throw e;
                    }
                    retried = true;
                    fresh = true;
                    state = ACQUIRE;
                }
            }
        }

        private Poll<ClientResponse> run(Context cx) {
            for (; ; ) {
                switch (state) {
                    case ACQUIRE -> {
                        if (closed) {
                            throw new IllegalStateException("the HttpClient is closed");
                        }
                        Object got = pool.acquire(cx, fresh);
                        if (got == null) {
                            return Poll.pending();
                        }
                        if (got == NEW) {
                            permit = true;
                            connecting = connect();
                            state = CONNECT;
                        } else {
                            conn = (Conn) got;
                            startWrite();
                        }
                    }
                    case CONNECT -> {
                        Poll<? extends AutoCloseable> p;
                        try {
                            p = connecting.poll(cx);
                        } catch (TimeoutException e) {
                            throw new HttpClientException("connecting to " + host + ":" + port + " took longer than "
                                    + connectTimeout, e);
                        }
                        if (!p.isReady()) {
                            return Poll.pending();
                        }
                        connecting = null;
                        AutoCloseable s = p.value();
                        conn = new Conn(s, (AsyncRead) s, (AsyncWrite) s, limits);
                        permit = false;
                        startWrite();
                    }
                    case WRITE -> {
                        while (out.hasRemaining()) {
                            if (conn.w.pollWrite(cx, out) == AsyncRead.PENDING) {
                                return Poll.pending();
                            }
                        }
                        if (body != null) {
                            state = STREAM;
                            continue;
                        }
                        if (conn.w.pollFlush(cx) == AsyncRead.PENDING) {
                            return Poll.pending();
                        }
                        state = HEAD;
                    }
                    case STREAM -> {
                        if (!nextBodyPart(cx)) {
                            return Poll.pending();
                        }
                    }
                    case HEAD -> {
                        ClientResponse r = readHead(cx);
                        if (r == null) {
                            return Poll.pending();
                        }
                        state = DONE;
                        return Poll.ready(r);
                    }
                    default -> throw new IllegalStateException("the exchange is over");
                }
            }
        }

        @SuppressWarnings("unchecked")
        private Future<? extends AutoCloseable> connect() {
            Future<? extends AutoCloseable> f;
            if (https) {
                TlsConnector t = tls != null ? tls : TlsConnector.withDefaults();
                f = t.connect(host, port);
            } else {
                f = TcpStream.connect(host, port).map(s -> {
                    s.setNoDelay(true);
                    return s;
                });
            }
            return connectTimeout == null ? f : f.timeout(connectTimeout);
        }

        private void startWrite() {
            StringBuilder sb = new StringBuilder(128);
            URI u = req.uri();
            String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
            sb.append(req.method()).append(' ').append(path);
            if (u.getRawQuery() != null) {
                sb.append('?').append(u.getRawQuery());
            }
            sb.append(" HTTP/1.1\r\nHost: ").append(u.getHost());
            if (u.getPort() >= 0) {
                sb.append(':').append(u.getPort());
            }
            sb.append("\r\n");
            List<String> f = req.fields();
            for (int i = 0; i < f.size(); i += 2) {
                sb.append(f.get(i)).append(": ").append(f.get(i + 1)).append("\r\n");
            }
            byte[] bytes = req.bytes();
            body = req.stream();
            if (body != null) {
                bodyLeft = req.streamLength();
                chunked = bodyLeft < 0;
                sb.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + bodyLeft + "\r\n");
            } else if (bytes.length > 0 || req.method().equals("POST") || req.method().equals("PUT")
                    || req.method().equals("PATCH")) {
                sb.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            if (req.closeRequested()) {
                sb.append("Connection: close\r\n");
            }
            sb.append("\r\n");
            byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + bytes.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(bytes, 0, all, head.length, bytes.length);
            out = ByteBuffer.wrap(all);
            state = WRITE;
        }

        /** Polls the request body stream and queues its next part (chunk-encoded if chunked). */
        private boolean nextBodyPart(Context cx) {
            Poll<ByteBuffer> p = body.pollNext(cx);
            if (!p.isReady()) {
                conn.w.pollFlush(cx);
                return false;
            }
            ByteBuffer b = p.value();
            if (b == null) {
                body = null;
                if (chunked) {
                    out = ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else if (bodyLeft != 0) {
                    throw new IllegalArgumentException(req + ": the body stream ended " + bodyLeft
                            + " bytes short of its length");
                } else {
                    out = ByteBuffer.allocate(0);
                }
                state = WRITE;
                return true;
            }
            int n = b.remaining();
            if (n == 0) {
                return true;
            }
            if (chunked) {
                byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                ByteBuffer all = ByteBuffer.allocate(size.length + n + 2);
                all.put(size).put(b).put(CRLF).flip();
                out = all;
            } else {
                if (n > bodyLeft) {
                    throw new IllegalArgumentException(req + ": the body stream is longer than its length");
                }
                bodyLeft -= n;
                out = b;
            }
            state = WRITE;
            return true;
        }

        // -----------------------------------------------------------------------------------------------------
        // The response head

        private ClientResponse readHead(Context cx) {
            Wire w = conn.wire;
            for (; ; ) {
                int end = findHeadEnd(w);
                if (end >= 0) {
                    ClientResponse r = parseHead(w, end);
                    if (r != null) {
                        return r;
                    }
                    continue; // a 1xx interim response was skipped
                }
                int n = w.fill(cx);
                if (n == AsyncRead.PENDING) {
                    return null;
                }
                if (n == AsyncRead.EOF) {
                    if (received == 0) {
                        throw new UncheckedIOException(new java.io.EOFException(
                                req + ": the connection ended before the response"));
                    }
                    throw new HttpClientException(req + ": the connection ended inside the response head");
                }
                received += n;
            }
        }

        /** @return the index just past the head's empty line, or -1 (checking the limits meanwhile) */
        private int findHeadEnd(Wire w) {
            byte[] b = w.buf;
            int from = w.start + Math.max(scanned - 3, 0);
            for (int i = from; i + 3 < w.end; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    scanned = 0;
                    return i + 4;
                }
            }
            scanned = w.end - w.start;
            int lineEnd = -1;
            for (int i = w.start; i < w.end && lineEnd < 0; i++) {
                if (b[i] == '\n') {
                    lineEnd = i;
                }
            }
            if (lineEnd < 0 && w.available() > limits.maxRequestLine()) {
                throw new HttpClientException(req + ": a status line longer than " + limits.maxRequestLine()
                        + " bytes");
            }
            if (w.available() >= limits.maxHeaderBytes()) {
                throw new HttpClientException(req + ": a response head larger than " + limits.maxHeaderBytes()
                        + " bytes");
            }
            return -1;
        }

        /** @return the response, or null after skipping a 1xx interim response */
        private ClientResponse parseHead(Wire w, int end) {
            String head = new String(w.buf, w.start, end - w.start, StandardCharsets.ISO_8859_1);
            if (end - w.start > limits.maxHeaderBytes()) {
                throw new HttpClientException(req + ": a response head larger than " + limits.maxHeaderBytes()
                        + " bytes");
            }
            w.start = end;
            String[] lines = head.substring(0, head.length() - 4).split("\r\n", -1);
            for (String line : lines) {
                if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
                    throw new HttpClientException(req + ": a bare CR or LF in the response head");
                }
            }
            String status = lines[0];
            if (status.length() > limits.maxRequestLine()) {
                throw new HttpClientException(req + ": a status line longer than " + limits.maxRequestLine()
                        + " bytes");
            }
            if (status.length() < 12 || !status.startsWith("HTTP/1.") || status.charAt(8) != ' '
                    || (status.charAt(7) != '1' && status.charAt(7) != '0')
                    || status.length() > 12 && status.charAt(12) != ' ' || !digits(status, 9, 12)) {
                throw new HttpClientException(req + ": a malformed status line: "
                        + status.substring(0, Math.min(status.length(), 64)));
            }
            boolean http11 = status.charAt(7) == '1';
            int code = Integer.parseInt(status.substring(9, 12));
            if (code < 100) {
                throw new HttpClientException(req + ": status " + code);
            }
            String reason = status.length() > 13 ? status.substring(13) : "";
            if (lines.length - 1 > limits.maxHeaders()) {
                throw new HttpClientException(req + ": more than " + limits.maxHeaders() + " response fields");
            }
            List<String> fields = new ArrayList<>(2 * (lines.length - 1));
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i];
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    throw new HttpClientException(req + ": a malformed response field (or obs-fold)");
                }
                for (int j = 0; j < colon; j++) {
                    char c = l.charAt(j);
                    if (c > 0x7f || !RequestParser.isTchar((byte) c)) {
                        throw new HttpClientException(req + ": an invalid response field name");
                    }
                }
                String v = l.substring(colon + 1).strip();
                for (int j = 0; j < v.length(); j++) {
                    if (!RequestParser.isValueByte((byte) v.charAt(j))) {
                        throw new HttpClientException(req + ": an invalid byte in a response field value");
                    }
                }
                fields.add(l.substring(0, colon));
                fields.add(v);
            }
            if (code < 200) {
                if (code == 101) {
                    throw new HttpClientException(req + ": an unexpected 101 (upgrades are not supported)");
                }
                return null;
            }
            return respond(code, reason, fields, http11);
        }

        private ClientResponse respond(int code, String reason, List<String> fields, boolean http11) {
            ClientResponse probe = new ClientResponse(code, reason, fields, null);
            boolean keepAlive = http11 && !req.closeRequested() && !hasToken(probe.headers("Connection"), "close");
            List<String> te = probe.headers("Transfer-Encoding");
            List<String> cl = probe.headers("Content-Length");
            long length;
            if (req.method().equals("HEAD") || code == 204 || code == 304) {
                length = 0;
            } else if (!te.isEmpty()) {
                if (!cl.isEmpty()) {
                    throw new HttpClientException(req + ": both Content-Length and Transfer-Encoding in a response");
                }
                String[] codings = String.join(",", te).split(",");
                if (!codings[codings.length - 1].strip().equalsIgnoreCase("chunked") || codings.length > 1) {
                    throw new HttpClientException(req + ": an unsupported transfer coding: " + String.join(",", te));
                }
                length = -1;
            } else if (!cl.isEmpty()) {
                length = contentLength(cl);
                if (length > limits.maxBody()) {
                    throw new HttpClientException(req + ": a response body of " + length
                            + " bytes, over the limit " + limits.maxBody());
                }
            } else {
                length = -2; // to the end of the connection
                keepAlive = false;
            }
            Conn c = conn;
            conn = null; // the body owns it now
            ResponseBody b = new ResponseBody(req, pool, c, length, keepAlive, limits.maxBody());
            return new ClientResponse(code, reason, fields, b);
        }

        private long contentLength(List<String> values) {
            long v = -1;
            for (String s : String.join(",", values).split(",")) {
                String t = s.strip();
                if (t.isEmpty() || t.length() > 18 || !digits(t, 0, t.length())) {
                    throw new HttpClientException(req + ": a malformed Content-Length: " + String.join(",", values));
                }
                long n = Long.parseLong(t);
                if (v >= 0 && n != v) {
                    throw new HttpClientException(req + ": different Content-Length values");
                }
                v = n;
            }
            return v;
        }

        /** Closes the connection or frees the permit this exchange holds. */
        private void giveUp() {
            if (connecting != null) {
                connecting.cancel();
                connecting = null;
            }
            if (conn != null) {
                pool.discard(conn);
                conn = null;
            } else if (permit) {
                pool.discard(null);
            }
            permit = false;
        }

        @Override
        public void cancel() {
            if (state != DONE) {
                state = DONE;
                giveUp();
                if (req.stream() != null) {
                    req.stream().cancel();
                }
            }
        }
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean hasToken(List<String> values, String token) {
        for (String v : values) {
            for (String t : v.split(",")) {
                if (t.strip().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A response body on a pooled connection: {@link Body} for {@code Content-Length} and chunked framing, or the
     * bytes up to the end of the connection. Its end gives the connection back (Rule 2); a failure or a cancel
     * before the end closes it.
     */
    private static final class ResponseBody implements Stream<ByteBuffer> {
        private final ClientRequest req;
        private final Pool pool;
        private Conn conn;
        private final Body framed;
        private final boolean keepAlive;
        private final long max;
        private long total;

        ResponseBody(ClientRequest req, Pool pool, Conn conn, long length, boolean keepAlive, long max) {
            this.req = req;
            this.pool = pool;
            this.conn = conn;
            this.keepAlive = keepAlive;
            this.max = max;
            this.framed = length == -2 ? null : new Body(conn.wire, length, max);
            if (length == 0) {
                finish();
            }
        }

        @Override
        public Poll<ByteBuffer> pollNext(Context cx) {
            if (conn == null) {
                return Poll.ready(null);
            }
            try {
                Poll<ByteBuffer> p = framed != null ? framed.pollNext(cx) : toTheEnd(cx);
                if (p.isReady() && p.value() == null) {
                    finish();
                }
                return p;
            } catch (HttpException e) {
                fail();
                throw new HttpClientException(req + ": a bad response body: "
                        + e.getMessage().replace("request body", "response body"));
            } catch (RuntimeException e) {
                fail();
                throw e;
            }
        }

        private Poll<ByteBuffer> toTheEnd(Context cx) {
            Wire w = conn.wire;
            if (w.available() == 0) {
                int n = w.fill(cx);
                if (n == AsyncRead.PENDING) {
                    return Poll.pending();
                }
                if (n == AsyncRead.EOF) {
                    return Poll.ready(null);
                }
            }
            int n = w.available();
            total += n;
            if (total > max) {
                throw new HttpClientException(req + ": a response body over the limit " + max);
            }
            ByteBuffer b = ByteBuffer.allocate(n);
            b.put(w.buf, w.start, n).flip();
            w.start = w.end;
            return Poll.ready(b);
        }

        private void finish() {
            Conn c = conn;
            conn = null;
            if (keepAlive && c.wire.available() == 0) {
                pool.release(c);
            } else {
                pool.discard(c);
            }
        }

        private void fail() {
            Conn c = conn;
            conn = null;
            if (c != null) {
                pool.discard(c);
            }
        }

        @Override
        public void cancel() {
            fail();
        }
    }

    /** Configures an {@link HttpClient}; not thread-safe. */
    public static final class Builder {
        private int maxConnections = 16;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxStatusLine = 8 * 1024;
        private int maxHeaderBytes = 64 * 1024;
        private int maxHeaders = 100;
        private long maxBody = 64L * 1024 * 1024;
        private TlsConnector tls;

        private Builder() {
        }

        /** The most open connections to one origin (default 16); more requests wait for one. */
        public Builder maxConnectionsPerOrigin(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("n : " + n + " (expected: >= 1)");
            }
            maxConnections = n;
            return this;
        }

        /** How long an idle connection is kept for reuse (default 60 s; zero: connections are not reused). */
        public Builder idleTimeout(Duration d) {
            idleTimeout = Objects.requireNonNull(d, "d");
            return this;
        }

        /** The limit on connecting, TLS handshake included (default 10 s; null: none). */
        public Builder connectTimeout(Duration d) {
            connectTimeout = d;
            return this;
        }

        /** The limit from {@code send} to the response head, connecting included (default 30 s; null: none). */
        public Builder requestTimeout(Duration d) {
            requestTimeout = d;
            return this;
        }

        /** The longest status line (default 8 KiB). */
        public Builder maxStatusLineLength(int bytes) {
            maxStatusLine = Math.max(bytes, 16);
            return this;
        }

        /** The largest response head (default 64 KiB). */
        public Builder maxHeaderBytes(int bytes) {
            maxHeaderBytes = Math.max(bytes, 16);
            return this;
        }

        /** The most response header fields (default 100). */
        public Builder maxHeaders(int count) {
            maxHeaders = Math.max(count, 1);
            return this;
        }

        /** The largest response body (default 64 MiB). */
        public Builder maxBodyBytes(long bytes) {
            maxBody = Math.max(bytes, 0);
            return this;
        }

        /** The TLS settings for {@code https} (default {@link TlsConnector#withDefaults()}: hostnames verified). */
        public Builder tls(TlsConnector connector) {
            tls = Objects.requireNonNull(connector, "connector");
            return this;
        }

        /** @return the client */
        public HttpClient build() {
            return new HttpClient(this);
        }
    }
}
