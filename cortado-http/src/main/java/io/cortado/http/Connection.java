package io.cortado.http;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.stream.Stream;
import io.cortado.time.Sleep;
import io.cortado.trace.Tracer;
import io.cortado.trace.Tracing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * One HTTP/1.1 connection: a hand-written poll state machine, run as its own task.
 *
 * <p>States: {@code HANDSHAKE} (TLS only) → {@code HEAD} ⇄ {@code HANDLING} (→ {@code STREAM} for a streamed
 * response body) → {@code CLOSING} → {@code LINGER} → done; a {@code 101} response from
 * {@link WebSocket#upgrade} goes {@code HANDLING} → {@code UPGRADE} → {@code SESSION} → {@code SESSION_END} →
 * {@code CLOSING}. Rules:
 * <ol>
 *   <li>Responses are encoded into one output buffer in request order and written only when the input buffer
 *       holds no complete request head (so a batch of pipelined requests costs one write), when the handler or a
 *       response stream is pending, or when the output passes {@link #FLUSH_AT} bytes. While the output cannot be
 *       written, no more input is read (a client that does not read its responses is not served more).</li>
 *   <li>At most one request is being handled at a time; the next head is parsed only after the response (and its
 *       body) is encoded, so responses are in order.</li>
 *   <li>While waiting for a head, a timer runs: the idle time-out with no byte of a head buffered (then the
 *       connection closes silently), the header-read time-out from the first wait with part of one (then 408).
 *       The timer is re-armed lazily: a wait in the same mode keeps the deadline, and a timer that fires after
 *       requests were served since it was armed restarts from then, so on a busy connection either time-out may
 *       take up to twice its length (no clock read or timer-wheel update per batch of requests).</li>
 *   <li>A request that breaks the parser's rules gets its error status and {@code Connection: close}; so does a
 *       handler failure (500), and the connection then closes. Closing writes what is buffered, shuts the write
 *       side down, then reads and drops input for a while ({@code LINGER}: at most {@link #LINGER_BYTES} bytes or
 *       {@link #LINGER_TIME}), so the client reads the response before any reset.</li>
 *   <li>For {@code Expect: 100-continue}, the output is flushed before the handler runs, so the body's
 *       {@code 100 Continue} (written by {@link Body} straight to the stream) follows every earlier response.</li>
 *   <li>The socket (and the TLS stream) is closed when the connection completes, fails or is cancelled, and the
 *       handler's future, a response stream, a WebSocket session and the timer are cancelled.</li>
 *   <li>After a {@code 101}, no more requests are parsed: the output is flushed ({@code UPGRADE}), then the
 *       session runs on the connection's input buffer (whatever followed the request head is the first frames)
 *       and output stream ({@code SESSION}). When the session's future ends or fails, its Close frame is written
 *       ({@code SESSION_END}) and the connection closes as any other ({@code CLOSING}, {@code LINGER}).</li>
 * </ol>
 * Guarded by {@code ConnectionTest} (driven over an in-memory stream: every bad input, pipelining at every byte
 * boundary, HEAD, 100-continue, failures), {@code LoadTest} (time-outs, limits, slow and non-reading clients,
 * many clients) and {@code InteropTest} (curl and the JDK's client, plain and TLS).
 */
final class Connection implements Future<Void> {
    private static final Tracer LOG = Tracing.tracer("cortado.http");
    static final int FLUSH_AT = 32 * 1024;
    static final long LINGER_BYTES = 256 * 1024;
    static final Duration LINGER_TIME = Duration.ofSeconds(2);

    private static final int HANDSHAKE = 0;
    private static final int HEAD = 1;
    private static final int PRE_DISPATCH = 2;
    private static final int HANDLING = 3;
    private static final int STREAM = 4;
    private static final int UPGRADE = 5;
    private static final int SESSION = 6;
    private static final int SESSION_END = 7;
    private static final int CLOSING = 8;
    private static final int LINGER = 9;
    private static final int DONE = 10;

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UPGRADE_LINE = "Connection: Upgrade\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] STATUS_LINES = new byte[600][];

    private final HttpServer.Config config;
    private final Limits limits;
    private final AutoCloseable raw;
    private Future<? extends AsyncRead> handshake;
    private AsyncWrite wr;
    private AutoCloseable closer;
    private Wire wire;
    private int state;

    private byte[] out = new byte[4096];
    private int outLen;
    private int outPos;
    private ByteBuffer outView = ByteBuffer.wrap(out);

    private Request request;
    private Future<Response> pending;
    private Response failedResponse;
    private Stream<ByteBuffer> stream;
    private boolean streamChunked;
    private long streamLeft;
    private boolean closeAfter;
    private long served;
    private Response upgrade;
    private WebSocket ws;
    private Future<Void> session;

    private Sleep timer;
    private boolean timerArmed;
    private boolean timerForHead;
    /** {@link #served} when the timer was armed: a later value means the connection was busy since. */
    private long servedAtArm;
    private long lingered;

    /** @param io the accepted stream (a {@code TcpStream}; tests use in-memory ones); the connection owns it */
    @SuppressWarnings("try") // the stream is closed by release(), not by a try-with-resources
    <S extends AsyncRead & AsyncWrite & AutoCloseable> Connection(HttpServer.Config config, S io) {
        this.config = config;
        this.limits = config.limits();
        this.raw = io;
        if (config.tls() != null) {
            handshake = config.tls().accept(io);
            state = HANDSHAKE;
            closer = io;
        } else {
            use(io, io);
        }
    }

    private void use(AsyncRead r, AsyncWrite w) {
        wr = w;
        closer = (AutoCloseable) r;
        wire = new Wire(limits, r);
        state = HEAD;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        try {
            Poll<Void> p = run(cx);
            if (p.isReady()) {
                release();
            }
            return p;
        } catch (RuntimeException | Error e) {
            boolean quiet = state >= SESSION_END;
            release();
            if (quiet && e instanceof RuntimeException) {
                return Poll.ready(null); // the peer reset a connection we were closing anyway
            }
            throw e;
        }
    }

    private Poll<Void> run(Context cx) {
        for (; ; ) {
            switch (state) {
                case HANDSHAKE -> {
                    Poll<? extends AsyncRead> p = handshake.poll(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    handshake = null;
                    AsyncRead tls = p.value();
                    use(tls, (AsyncWrite) tls);
                }
                case HEAD -> {
                    if (!readHead(cx)) {
                        return Poll.pending();
                    }
                }
                case PRE_DISPATCH -> {
                    if (flush(cx) == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    dispatch();
                }
                case HANDLING -> {
                    if (!handle(cx)) {
                        return Poll.pending();
                    }
                }
                case STREAM -> {
                    if (!streamBody(cx)) {
                        return Poll.pending();
                    }
                }
                case UPGRADE -> {
                    if (flush(cx) == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    startSession();
                }
                case SESSION -> {
                    if (!runSession(cx)) {
                        return Poll.pending();
                    }
                }
                case SESSION_END -> {
                    if (ws.flushOut(cx) == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    closeAfter = true;
                    state = CLOSING;
                }
                case CLOSING -> {
                    if (flush(cx) == AsyncRead.PENDING || wr.pollShutdown(cx) == AsyncRead.PENDING) {
                        return Poll.pending();
                    }
                    state = LINGER;
                    arm(LINGER_TIME);
                }
                case LINGER -> {
                    if (!linger(cx)) {
                        return Poll.pending();
                    }
                    state = DONE;
                    return Poll.ready(null);
                }
                default -> {
                    return Poll.ready(null);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading heads

    /** @return true when the state changed (go on), false when waiting (Pending, wake-up arranged) */
    private boolean readHead(Context cx) {
        for (; ; ) {
            if (outLen >= FLUSH_AT && flush(cx) == AsyncRead.PENDING) {
                return waitHead(cx);
            }
            Request r;
            try {
                r = wire.tryParse();
            } catch (HttpException e) {
                reject(e);
                return true;
            }
            if (r != null) {
                startRequest(r);
                if (!cx.consumeBudget()) { // a long pipeline must not hold the worker: go on at the next poll
                    cx.waker().wake();
                    return false;
                }
                return true;
            }
            if (outLen > 0 && flush(cx) == AsyncRead.PENDING) {
                return waitHead(cx);
            }
            int n = wire.fill(cx);
            if (n == AsyncRead.PENDING) {
                return waitHead(cx);
            }
            if (n == AsyncRead.EOF) {
                closeAfter = true;
                state = CLOSING; // a half-sent head is dropped: nobody is left to read an answer
                return true;
            }
        }
    }

    /**
     * Runs the idle or header-read timer; @return true if it fired and the state changed. The timer is armed
     * lazily: a wait in the same mode as the last one keeps its deadline, and a timer that fires after requests
     * were served since it was armed restarts from now instead, so a busy connection does not re-arm per batch.
     */
    private boolean waitHead(Context cx) {
        boolean partial = wire.available() > 0;
        if (!timerArmed || partial != timerForHead) {
            arm(partial ? limits.headerTimeout() : limits.idleTimeout());
            timerForHead = partial;
            servedAtArm = served;
        }
        if (!timer.poll(cx).isReady()) {
            return false;
        }
        if (served != servedAtArm) {
            arm(partial ? limits.headerTimeout() : limits.idleTimeout());
            servedAtArm = served;
            if (!timer.poll(cx).isReady()) {
                return false;
            }
        }
        timerArmed = false;
        if (partial) {
            reject(new HttpException(408, "the request head took longer than " + limits.headerTimeout()));
        } else {
            closeAfter = true;
            state = CLOSING;
        }
        return true;
    }

    private void arm(Duration d) {
        Instant deadline = config.clock().now().plus(d);
        if (timer == null) {
            timer = Sleep.until(config.clock(), deadline);
        } else {
            timer.reset(deadline);
        }
        timerArmed = true;
    }

    private void startRequest(Request r) {
        request = r;
        served++;
        if (r.contentLength() != 0) {
            Body body = new Body(wire, r.contentLength(), limits.maxBody());
            r.body(body);
            if (r.expectsContinue() && wire.available() == 0) {
                body.sendContinueTo(wr);
                if (outLen > 0) {
                    state = PRE_DISPATCH;
                    return;
                }
            }
        }
        dispatch();
    }

    private void dispatch() {
        state = HANDLING;
        try {
            pending = config.handler().handle(request);
            if (pending == null) {
                throw new NullPointerException("the handler returned null instead of a future");
            }
        } catch (RuntimeException e) {
            pending = null;
            failedResponse = failure(e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Handling and writing responses

    private boolean handle(Context cx) {
        Response resp;
        if (pending == null) {
            resp = failedResponse;
            failedResponse = null;
        } else {
            try {
                Poll<Response> p = pending.poll(cx);
                if (!p.isReady()) {
                    if (outLen > 0) {
                        flush(cx); // earlier responses go out while this one is being made
                    }
                    return false;
                }
                resp = p.value();
                if (resp == null) {
                    throw new NullPointerException("the handler's future completed with null");
                }
            } catch (RuntimeException e) {
                resp = failure(e);
            }
            pending = null;
        }
        request.body().detach();
        respond(resp);
        return true;
    }

    private Response failure(RuntimeException e) {
        if (e instanceof HttpException he) {
            return errorResponse(he.status());
        }
        LOG.warn("the handler failed", "request", request.toString(), "error", e.toString());
        return errorResponse(500).close();
    }

    private static Response errorResponse(int status) {
        return Response.of(status).header("Content-Type", "text/plain; charset=utf-8")
                .body(status + " " + Response.reason(status) + "\n");
    }

    private void reject(HttpException e) {
        LOG.debug("rejected a request", "status", e.status(), "reason", e.getMessage());
        request = null;
        closeAfter = true;
        wire.parser.reset();
        writeHead(errorResponse(e.status()), false, true);
        state = CLOSING;
    }

    private void respond(Response resp) {
        Request req = request;
        boolean head = req.isHead();
        Body body = req.body();
        boolean close = closeAfter || !req.keepAlive() || resp.closeRequested()
                || served >= limits.maxRequestsPerConnection();
        if (!body.isDone() && (body.continueUnsent() || !body.skipBuffered())) {
            close = true; // the rest of the body is still on its way: the connection cannot be reused
        }
        Stream<ByteBuffer> s = resp.stream();
        if (s != null && resp.streamLength() < 0 && !req.http11()) {
            close = true; // an HTTP/1.0 client reads a body of unknown length to the end of the connection
        }
        if (resp.upgrade() != null) {
            upgrade = resp;
            closeAfter = false;
            writeHead(resp, false, true);
            request = null;
            state = UPGRADE;
            return;
        }
        closeAfter = close;
        writeHead(resp, head, req.http11());
        if (s != null) {
            if (head || noBody(resp.status())) {
                s.cancel();
            } else {
                stream = s;
                streamLeft = resp.streamLength();
                streamChunked = streamLeft < 0 && req.http11();
                state = STREAM;
                return;
            }
        }
        finishResponse();
    }

    private void finishResponse() {
        request = null;
        state = closeAfter ? CLOSING : HEAD;
    }

    private static boolean noBody(int status) {
        return status < 200 || status == 204 || status == 304;
    }

    private void writeHead(Response resp, boolean head, boolean http11) {
        int status = resp.status();
        put(statusLine(status));
        if (!resp.hasServer() && config.serverLine() != null) {
            put(config.serverLine());
        }
        put(HttpDate.line());
        put(resp.encodedFields(), resp.encodedLength());
        if (!noBody(status)) {
            if (resp.stream() == null) {
                putContentLength(resp.bytes().length);
            } else if (resp.streamLength() >= 0) {
                putContentLength(resp.streamLength());
            } else if (http11) {
                put(CHUNKED);
            }
        }
        if (status == 101) {
            put(UPGRADE_LINE);
        } else if (closeAfter) {
            put(CLOSE);
        } else if (!http11) {
            put(KEEP_ALIVE);
        }
        put(CRLF);
        if (!head && !noBody(status) && resp.stream() == null) {
            put(resp.bytes());
        }
    }

    private boolean streamBody(Context cx) {
        for (; ; ) {
            if (outLen >= FLUSH_AT && flush(cx) == AsyncRead.PENDING) {
                return false;
            }
            Poll<ByteBuffer> p;
            try {
                p = stream.pollNext(cx);
            } catch (RuntimeException e) {
                LOG.warn("a response body stream failed", "error", e.toString());
                stream = null;
                abortBody();
                return true;
            }
            if (!p.isReady()) {
                if (outLen > 0) {
                    flush(cx);
                }
                return false;
            }
            ByteBuffer b = p.value();
            if (b == null) {
                stream = null;
                if (streamChunked) {
                    put(LAST_CHUNK);
                } else if (streamLeft > 0) {
                    abortBody(); // fewer bytes than the declared length
                    return true;
                }
                finishResponse();
                return true;
            }
            int n = b.remaining();
            if (n == 0) {
                continue;
            }
            if (streamChunked) {
                putHex(n);
                put(CRLF);
                put(b);
                put(CRLF);
            } else {
                if (streamLeft >= 0 && n > streamLeft) {
                    b.limit(b.position() + (int) streamLeft); // more bytes than declared: send what fits, end
                    put(b);
                    stream.cancel();
                    stream = null;
                    abortBody();
                    return true;
                }
                if (streamLeft > 0) {
                    streamLeft -= n;
                }
                put(b);
            }
        }
    }

    private void startSession() {
        ws = new WebSocket(wire, wr, upgrade.maxMessage());
        try {
            session = upgrade.upgrade().apply(ws);
            if (session == null) {
                throw new NullPointerException("the WebSocket session returned null instead of a future");
            }
        } catch (RuntimeException e) {
            LOG.warn("a WebSocket session failed", "error", e.toString());
            ws.sessionEnded(e);
            state = SESSION_END;
            return;
        } finally {
            upgrade = null;
        }
        state = SESSION;
    }

    /** @return true when the session ended (the state changed), false while it runs */
    private boolean runSession(Context cx) {
        RuntimeException error = null;
        try {
            if (!session.poll(cx).isReady()) {
                return false;
            }
        } catch (RuntimeException e) {
            error = e;
            if (!(e instanceof WebSocketException)) {
                LOG.warn("a WebSocket session failed", "error", e.toString());
            }
        }
        session = null;
        ws.sessionEnded(error);
        state = SESSION_END;
        return true;
    }

    /** The response body cannot be finished as framed: end the connection after what was sent. */
    private void abortBody() {
        closeAfter = true;
        request = null;
        state = CLOSING;
    }

    private boolean linger(Context cx) {
        for (; ; ) {
            wire.discard();
            int n = wire.fill(cx);
            if (n == AsyncRead.EOF) {
                return true;
            }
            if (n == AsyncRead.PENDING) {
                return timer.poll(cx).isReady();
            }
            lingered += n;
            if (lingered > LINGER_BYTES) {
                return true;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The output buffer

    private static byte[] statusLine(int status) {
        byte[] line = STATUS_LINES[status];
        if (line == null) {
            line = ("HTTP/1.1 " + status + " " + Response.reason(status) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            STATUS_LINES[status] = line; // a race makes equal arrays: harmless
        }
        return line;
    }

    private void room(int n) {
        if (outLen + n > out.length) {
            out = Arrays.copyOf(out, Math.max(outLen + n, out.length * 2));
            outView = ByteBuffer.wrap(out);
        }
    }

    private void put(byte[] b) {
        put(b, b.length);
    }

    private void put(byte[] b, int len) {
        room(len);
        System.arraycopy(b, 0, out, outLen, len);
        outLen += len;
    }

    private void put(ByteBuffer b) {
        int n = b.remaining();
        room(n);
        b.get(out, outLen, n);
        outLen += n;
    }

    private void putContentLength(long n) {
        put(CONTENT_LENGTH);
        room(22);
        String s = Long.toString(n);
        for (int i = 0; i < s.length(); i++) {
            out[outLen++] = (byte) s.charAt(i);
        }
        out[outLen++] = '\r';
        out[outLen++] = '\n';
    }

    private void putHex(int n) {
        room(8);
        String s = Integer.toHexString(n);
        for (int i = 0; i < s.length(); i++) {
            out[outLen++] = (byte) s.charAt(i);
        }
    }

    /** Writes the output buffer; @return 0 when all of it is written and flushed, or PENDING */
    private int flush(Context cx) {
        while (outPos < outLen) {
            outView.limit(outLen).position(outPos);
            int n = wr.pollWrite(cx, outView);
            if (n == AsyncRead.PENDING) {
                return AsyncRead.PENDING;
            }
            outPos += n;
        }
        outPos = outLen = 0;
        if (out.length > 64 * 1024) {
            out = new byte[4096]; // a large body passed through: do not keep its buffer for an idle connection
            outView = ByteBuffer.wrap(out);
        }
        return wr.pollFlush(cx) == AsyncRead.PENDING ? AsyncRead.PENDING : 0;
    }

    // ---------------------------------------------------------------------------------------------------------

    private void release() {
        state = DONE;
        if (handshake != null) {
            handshake.cancel();
            handshake = null;
        }
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
        if (session != null) {
            session.cancel();
            session = null;
        }
        if (timer != null) {
            timer.cancel();
        }
        try {
            closer.close();
        } catch (Exception e) {
            LOG.debug("closing a connection failed", "error", e.toString());
        }
        if (closer != raw) {
            try {
                raw.close();
            } catch (Exception e) {
                LOG.debug("closing a connection failed", "error", e.toString());
            }
        }
    }

    @Override
    public void cancel() {
        if (state != DONE) {
            release();
        }
    }

    @Override
    public String toString() {
        return "HttpConnection[" + raw + "]";
    }
}
