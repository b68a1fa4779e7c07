package io.cortado.tls;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.time.Timeout;
import io.cortado.time.TimeoutException;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static javax.net.ssl.SSLEngineResult.HandshakeStatus.FINISHED;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_TASK;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_UNWRAP_AGAIN;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NEED_WRAP;
import static javax.net.ssl.SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING;

/**
 * A TLS connection over any Cortado byte stream (a {@link io.cortado.net.TcpStream}, a
 * {@link io.cortado.net.UnixStream}, or another {@link AsyncRead} and {@link AsyncWrite}): it is itself an
 * {@code AsyncRead} and {@code AsyncWrite}, so {@link io.cortado.io.BufReader}, {@link io.cortado.io.Framed},
 * {@link io.cortado.io.Io#copy} and {@link #split()} work on it as on a socket. Made by
 * {@link TlsConnector#connect} and {@link TlsAcceptor#accept}, whose futures complete once the handshake is done;
 * the cryptography is the JDK's {@link SSLEngine}.
 *
 * <pre>{@code
 * TlsStream<TcpStream> tls = await(connector.connect("example.com", await(TcpStream.connect("example.com", 443))));
 * await(tls.writeAll(request));
 * await(tls.flush());                 // writes are buffered up to one record: flush as with a BufWriter
 * int n = await(tls.read(buf));       // -1 once the peer sent close_notify
 * await(tls.shutdown());              // close_notify, then the socket's write half
 * tls.close();
 * }</pre>
 *
 * <h2>Reading, writing, ending</h2>
 * A write encrypts up to one record of the caller's bytes and sends what the stream below takes at once; the rest
 * goes out at the next write, {@link #pollFlush flush}, {@link #pollShutdown shutdown} or read (a read first tries
 * to send what is pending, so "write, then wait for the answer" cannot deadlock on an unsent record). A read
 * returns decrypted bytes, and {@link #EOF} once the peer's {@code close_notify} arrived. If the stream below ends
 * without {@code close_notify}, the read fails with a {@link TlsTruncationException} (unless the connector or
 * acceptor was built with {@code acceptTruncation(true)}). {@link #shutdown()} sends {@code close_notify} and shuts
 * the stream below in this direction; with TLS 1.3 the peer may keep writing (half-close); TLS 1.2 closes both
 * directions. {@link #close()} closes the stream below at once, after one attempt to send {@code close_notify}
 * without waiting. TLS 1.3 key updates and session tickets are handled as they arrive; a TLS 1.2 renegotiation is
 * refused (the connection fails).
 *
 * <h2>Errors</h2>
 * Failures are {@link UncheckedIOException}s, as for sockets: the cause is a {@link TlsHandshakeException} (with a
 * {@linkplain TlsHandshakeException#reason() reason}) for a failed handshake (also when the peer's verdict comes
 * at the first read after it: a TLS 1.3 server that refuses a client's certificate), a {@link TlsTruncationException},
 * another {@link SSLException} from the engine (a bad record), or the stream below's own failure. A TLS failure is
 * sticky: every later operation fails with it. It affects this connection only.
 *
 * <h2>Concurrency</h2>
 * One reader task and one writer task may use a stream at once (or use {@link #split()}). Either side may have to
 * move the other direction's bytes (a handshake message, a key update). Rules:
 * <ol>
 *   <li>The engine and the buffers are used only with the stream's monitor held, for the non-blocking work of one
 *       poll.</li>
 *   <li>The stream below is polled with this stream's own context per direction, whose waker wakes the task
 *       recorded for that side ({@code readerWaker} for read readiness, {@code writerWaker} for write readiness):
 *       a reader and a writer never replace each other's registration below.</li>
 *   <li>A side that may wait on the other direction raises its flag ({@code readerWantsWrite},
 *       {@code writerWantsRead}) before it polls the stream below, and lowers it only once that wait is over; a
 *       direction's waker also wakes the flagged side. A readiness report between the poll below and the
 *       {@code PENDING} returned is therefore never lost; a spurious wake may happen and is harmless.</li>
 *   <li>{@link #close()} marks the stream closed under the monitor, then wakes both sides, which fail at their
 *       next poll.</li>
 * </ol>
 * Guarded by {@code TlsHostileTest} (split halves in two tasks on two workers, records split at every byte) and
 * {@code TlsTest}.
 *
 * <h2>Cancel safety</h2>
 * As for sockets: {@link #read} and {@link #write} are cancel-safe (bytes are taken or
 * accepted only in the poll that completes them); {@link #readExact} and {@link #writeAll} report progress through
 * the buffer's position. The handshake futures are not: cancelling one closes the stream below.
 *
 * <h2>Memory</h2>
 * The buffers a TLS connection needs (about 17 KiB each for bytes in, decrypted bytes and bytes out) are taken
 * from a per-thread cache when needed and given back when empty, so an idle connection holds none.
 *
 * @param <S> the type of the stream below
 */
public final class TlsStream<S extends AsyncRead & AsyncWrite> implements AsyncRead, AsyncWrite, AutoCloseable {
    private static final ByteBuffer[] NOTHING = {ByteBuffer.allocate(0)};

    private final S io;
    private final SSLEngine engine;
    private final String peer;
    private final boolean acceptTruncation;
    private final IoContext readCx = new IoContext(this::netReadable);
    private final IoContext writeCx = new IoContext(this::netWritable);
    private final ByteBuffer[] one = new ByteBuffer[1];

    // Guarded by this stream's monitor.
    private int packetSize;
    private int appSize;
    /** Encrypted bytes from the stream below, in write mode (data in [0, position)); null when empty. */
    private ByteBuffer netIn;
    /** The last unwrap needs more bytes than netIn holds. */
    private boolean netInStarved;
    /** Decrypted bytes not yet read, in read mode; null when empty. */
    private ByteBuffer appIn;
    /** Encrypted bytes not yet written to the stream below, in read mode; null when empty. */
    private ByteBuffer netOut;
    private boolean begun;
    private boolean handshaken;
    private boolean inboundDone;
    private boolean outboundClosing;
    private boolean ioShutdown;
    private boolean closed;
    private IOException failure;

    private volatile Waker readerWaker;
    private volatile Waker writerWaker;
    private volatile boolean readerWantsWrite;
    private volatile boolean writerWantsRead;

    TlsStream(S io, SSLEngine engine, String peer, boolean acceptTruncation) {
        this.io = io;
        this.engine = engine;
        this.peer = peer;
        this.acceptTruncation = acceptTruncation;
        SSLSession s = engine.getSession();
        this.packetSize = s.getPacketBufferSize();
        this.appSize = s.getApplicationBufferSize();
    }

    /** @return the stream under this TLS connection */
    public S inner() {
        return io;
    }

    /** @return the TLS session: protocol, cipher suite, peer certificates */
    public SSLSession session() {
        return engine.getSession();
    }

    /** @return the negotiated protocol version, such as {@code "TLSv1.3"} */
    public String protocol() {
        return engine.getSession().getProtocol();
    }

    /** @return the negotiated cipher suite, such as {@code "TLS_AES_128_GCM_SHA256"} */
    public String cipherSuite() {
        return engine.getSession().getCipherSuite();
    }

    /** @return the application protocol chosen by ALPN, or empty if none was */
    public Optional<String> alpnProtocol() {
        String p = engine.getApplicationProtocol();
        return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p);
    }

    /** @return the peer's certificate chain (its own first), or an empty list if it sent none */
    public List<Certificate> peerCertificates() {
        try {
            return List.of(engine.getSession().getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    /**
     * @return the server name (SNI) of this connection: on a server, the one the client asked for; on a client,
     * the one it sent; empty if there is none
     */
    public Optional<String> serverName() {
        List<SNIServerName> names = engine.getUseClientMode()
                ? engine.getSSLParameters().getServerNames()
                : engine.getSession() instanceof ExtendedSSLSession x ? x.getRequestedServerNames() : List.of();
        if (names != null) {
            for (SNIServerName n : names) {
                if (n instanceof SNIHostName h) {
                    return Optional.of(h.getAsciiName());
                }
            }
        }
        return Optional.empty();
    }

    /** @return whether this side is the client */
    public boolean isClient() {
        return engine.getUseClientMode();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * {@inheritDoc}
     *
     * <p>Finishes the handshake first if it is not done, and sends pending encrypted bytes if the stream below
     * takes them.
     */
    @Override
    public int pollRead(Context cx, ByteBuffer dst) {
        synchronized (this) {
            Waker w = cx.waker();
            if (readerWaker != w) {
                readerWaker = w;
            }
            if (readerWantsWrite) {
                readerWantsWrite = false; // a volatile store only when it changes
            }
            checkUsable();
            if (!handshaken && handshakeAs(cx, true) == PENDING) {
                return PENDING;
            }
            flushForReader(cx);
            for (; ; ) {
                if (appIn != null) {
                    int n = Math.min(appIn.remaining(), dst.remaining());
                    if (n > 0) {
                        int limit = appIn.limit();
                        appIn.limit(appIn.position() + n);
                        dst.put(appIn);
                        appIn.limit(limit);
                        if (!appIn.hasRemaining()) {
                            appIn = TlsBuffers.give(appIn);
                        }
                    }
                    return n;
                }
                if (inboundDone) {
                    return EOF;
                }
                if (!dst.hasRemaining()) {
                    return 0;
                }
                if (netIn != null && !netInStarved) {
                    boolean direct = dst.remaining() >= appSize;
                    SSLEngineResult r = direct ? unwrap(dst) : unwrapToAppIn();
                    switch (r.getStatus()) {
                        case OK -> {
                            afterUnwrap(cx, r.getHandshakeStatus());
                            if (direct && r.bytesProduced() > 0) {
                                return r.bytesProduced();
                            }
                        }
                        case CLOSED -> {
                            inboundDone = true;
                            afterUnwrap(cx, engine.getHandshakeStatus()); // TLS 1.2 answers close_notify
                        }
                        case BUFFER_UNDERFLOW -> netInStarved = true;
                        case BUFFER_OVERFLOW -> {
                            appSize = Math.max(engine.getSession().getApplicationBufferSize(),
                                    direct ? dst.remaining() + 1 : appSize * 2); // decrypt into appIn next
                            if (!direct) {
                                appIn = grow(appIn, appSize, true);
                            }
                        }
                    }
                    continue;
                }
                int n = fill(cx);
                if (n == PENDING) {
                    return PENDING;
                }
                if (n == EOF) {
                    if (!acceptTruncation) {
                        throw fail(new TlsTruncationException(peer + " closed the connection without close_notify"
                                + " (a truncation attack, or a peer that does not end TLS properly)"));
                    }
                    inboundDone = true;
                }
            }
        }
    }

    /** Handles what the engine asks for after a record was read: a TLS 1.3 key update or session ticket. */
    private void afterUnwrap(Context cx, SSLEngineResult.HandshakeStatus hs) {
        if (hs == NOT_HANDSHAKING || hs == FINISHED) {
            return;
        }
        if (!"TLSv1.3".equals(engine.getSession().getProtocol()) && !inboundDone) {
            throw fail(new SSLException("TLS renegotiation with " + peer + " refused"));
        }
        for (int i = 0; i < 8; i++) {
            hs = engine.getHandshakeStatus();
            if (hs == NEED_TASK) {
                runTasks();
            } else if (hs == NEED_WRAP) {
                SSLEngineResult r = wrap(NOTHING);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && !flushForReader(cx)) {
                    return;
                }
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    break;
                }
            } else {
                break;
            }
        }
        flushForReader(cx);
    }

    /**
     * Sends pending encrypted bytes on behalf of the reader; if they do not all go, the reader is woken by write
     * readiness too (rule 3: the flag is raised before the stream below is polled).
     *
     * @return whether everything was sent
     */
    private boolean flushForReader(Context cx) {
        if (netOut == null) {
            return true;
        }
        readerWantsWrite = true;
        if (flushNet(cx) == PENDING) {
            return false;
        }
        readerWantsWrite = false;
        return true;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writing

    /**
     * {@inheritDoc}
     *
     * <p>Encrypts up to one record of {@code src} and sends what the stream below takes at once; the rest is sent
     * by the next write, flush, shutdown or read. Returns {@code PENDING} while an earlier record is still unsent.
     */
    @Override
    public int pollWrite(Context cx, ByteBuffer src) {
        synchronized (this) {
            one[0] = src;
            try {
                return (int) write(cx, one);
            } finally {
                one[0] = null;
            }
        }
    }

    /** {@inheritDoc} Encrypts from several buffers into one record. */
    @Override
    public long pollWriteVectored(Context cx, ByteBuffer[] srcs) {
        synchronized (this) {
            return write(cx, srcs);
        }
    }

    private long write(Context cx, ByteBuffer[] srcs) {
        Waker w = cx.waker();
        if (writerWaker != w) {
            writerWaker = w;
        }
        if (writerWantsRead) {
            writerWantsRead = false; // a volatile store only when it changes
        }
        checkUsable();
        if (outboundClosing) {
            throw new UncheckedIOException(new Closed("write to the TLS stream with " + peer + " after its shutdown"));
        }
        if (!hasRemaining(srcs)) {
            return 0;
        }
        if (!handshaken && handshakeAs(cx, false) == PENDING) {
            return PENDING;
        }
        if (netOut != null && flushNet(cx) == PENDING) {
            return PENDING;
        }
        long consumed = 0;
        for (; ; ) {
            boolean wasEmpty = netOut == null;
            SSLEngineResult r = wrap(srcs);
            if (r.getHandshakeStatus() == NEED_TASK) {
                runTasks();
            }
            switch (r.getStatus()) {
                case OK -> consumed += r.bytesConsumed();
                case BUFFER_OVERFLOW -> {
                    if (wasEmpty && consumed == 0) {
                        packetSize = Math.max(engine.getSession().getPacketBufferSize(), packetSize * 2);
                        continue;
                    }
                }
                case CLOSED -> throw fail(new SSLException("the TLS engine for " + peer + " is closed"));
                case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap reported an underflow");
            }
            if (r.getStatus() != SSLEngineResult.Status.OK || !hasRemaining(srcs)
                    || netOut == null || netOut.capacity() - netOut.limit() < packetSize) {
                break;
            }
        }
        flushNet(cx); // what the stream below does not take now goes out with the next operation
        return consumed;
    }

    /**
     * Sends every pending encrypted byte (finishing the handshake first), then flushes the stream below.
     *
     * @return {@code 0} when flushed, or {@link #PENDING}
     */
    @Override
    public int pollFlush(Context cx) {
        synchronized (this) {
            Waker w = cx.waker();
            if (writerWaker != w) {
                writerWaker = w;
            }
            if (writerWantsRead) {
                writerWantsRead = false; // a volatile store only when it changes
            }
            checkUsable();
            if (!handshaken && !outboundClosing && handshakeAs(cx, false) == PENDING) {
                return PENDING;
            }
            if (flushNet(cx) == PENDING) {
                return PENDING;
            }
            writeCx.parent = cx;
            try {
                return io.pollFlush(writeCx) == PENDING ? PENDING : 0;
            } finally {
                writeCx.parent = null;
            }
        }
    }

    /**
     * Sends {@code close_notify} and shuts down the stream below in this direction. Idempotent.
     *
     * @return {@code 0} when done, or {@link #PENDING}
     */
    @Override
    public int pollShutdown(Context cx) {
        synchronized (this) {
            Waker w = cx.waker();
            if (writerWaker != w) {
                writerWaker = w;
            }
            if (writerWantsRead) {
                writerWantsRead = false; // a volatile store only when it changes
            }
            if (ioShutdown) {
                return 0;
            }
            checkUsable();
            if (!outboundClosing) {
                outboundClosing = true;
                engine.closeOutbound();
            }
            for (int i = 0; i < 8 && !engine.isOutboundDone(); i++) {
                SSLEngineResult r = wrap(NOTHING);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && flushNet(cx) == PENDING) {
                    return PENDING;
                }
            }
            if (flushNet(cx) == PENDING) {
                return PENDING;
            }
            writeCx.parent = cx;
            try {
                if (io.pollShutdown(writeCx) == PENDING) {
                    return PENDING;
                }
            } finally {
                writeCx.parent = null;
            }
            ioShutdown = true;
            return 0;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Handshake

    /** Drives the handshake for the futures of {@link TlsConnector} and {@link TlsAcceptor}. */
    int pollHandshake(Context cx) {
        synchronized (this) {
            Waker w = cx.waker();
            readerWaker = w;
            writerWaker = w;
            checkUsable();
            return handshaken ? 0 : handshake(cx);
        }
    }

    /** Drives the handshake for a reader or a writer, which may wait on either direction (rule 3). */
    private int handshakeAs(Context cx, boolean reader) {
        if (reader) {
            readerWantsWrite = true;
        } else {
            writerWantsRead = true;
        }
        int r = handshake(cx);
        if (r != PENDING) {
            if (reader) {
                readerWantsWrite = false;
            } else {
                writerWantsRead = false;
            }
        }
        return r;
    }

    private int handshake(Context cx) {
        if (!begun) {
            begun = true;
            try {
                engine.beginHandshake(); // until then the engine says NOT_HANDSHAKING
            } catch (SSLException e) {
                throw fail(e);
            }
        }
        for (; ; ) {
            SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> {
                    SSLEngineResult r = wrap(NOTHING);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW && flushNet(cx) == PENDING) {
                        return PENDING;
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        flushNet(cx);
                        throw fail(new SSLException("the TLS engine closed during the handshake"));
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (flushNet(cx) == PENDING) {
                        return PENDING; // the peer answers only once our flight has left
                    }
                    if (hs == NEED_UNWRAP_AGAIN || (netIn != null && !netInStarved)) {
                        SSLEngineResult r = unwrapToAppIn();
                        switch (r.getStatus()) {
                            case OK -> {
                                continue;
                            }
                            case BUFFER_UNDERFLOW -> netInStarved = true;
                            case BUFFER_OVERFLOW -> {
                                appSize = Math.max(engine.getSession().getApplicationBufferSize(), appSize * 2);
                                appIn = grow(appIn, appSize, true);
                                continue;
                            }
                            case CLOSED -> throw fail(new SSLException(peer + " closed TLS during the handshake"));
                        }
                    }
                    int n = fill(cx);
                    if (n == PENDING) {
                        return PENDING;
                    }
                    if (n == EOF) {
                        throw fail(new TlsHandshakeException(TlsHandshakeException.Reason.PEER_CLOSED,
                                peer + " closed the connection during the TLS handshake", null));
                    }
                }
                case FINISHED, NOT_HANDSHAKING -> {
                    if (flushNet(cx) == PENDING) {
                        return PENDING;
                    }
                    handshaken = true;
                    return 0;
                }
            }
        }
    }

    private void runTasks() {
        for (Runnable t; (t = engine.getDelegatedTask()) != null; ) {
            t.run();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Moving bytes (all with the monitor held)

    /** Reads encrypted bytes from the stream below into netIn: a count, {@link #EOF} or {@link #PENDING}. */
    private int fill(Context cx) {
        if (netIn == null) {
            netIn = TlsBuffers.take(packetSize);
        } else if (!netIn.hasRemaining()) {
            packetSize = Math.max(engine.getSession().getPacketBufferSize(), netIn.capacity() * 2);
            netIn = grow(netIn, packetSize, false);
        }
        readCx.parent = cx;
        try {
            int n = io.pollRead(readCx, netIn);
            if (n > 0) {
                netInStarved = false;
            }
            return n;
        } finally {
            readCx.parent = null;
            if (netIn.position() == 0) {
                netIn = TlsBuffers.give(netIn);
            }
        }
    }

    /** Writes netOut to the stream below: {@code 0} once it is empty, else {@link #PENDING}. */
    private int flushNet(Context cx) {
        if (netOut == null) {
            return 0;
        }
        writeCx.parent = cx;
        try {
            while (netOut.hasRemaining()) {
                if (io.pollWrite(writeCx, netOut) == PENDING) {
                    return PENDING;
                }
            }
        } finally {
            writeCx.parent = null;
        }
        netOut = TlsBuffers.give(netOut);
        return 0;
    }

    // The engine's exception is thrown only after the buffers are settled: fail() writes the alert from netOut.
    private SSLEngineResult unwrap(ByteBuffer dst) {
        ByteBuffer src = netIn == null ? NOTHING[0] : netIn.flip();
        SSLEngineResult r;
        try {
            r = engine.unwrap(src, dst);
        } catch (SSLException e) {
            settleNetIn();
            throw fail(e);
        }
        settleNetIn();
        return r;
    }

    private void settleNetIn() {
        if (netIn != null) {
            netIn.compact();
            if (netIn.position() == 0) {
                netIn = TlsBuffers.give(netIn);
            }
        }
    }

    private SSLEngineResult unwrapToAppIn() {
        if (appIn == null) {
            appIn = TlsBuffers.take(appSize);
        } else {
            appIn.compact();
        }
        try {
            return unwrap(appIn);
        } finally {
            appIn.flip();
            if (!appIn.hasRemaining()) {
                appIn = TlsBuffers.give(appIn);
            }
        }
    }

    private SSLEngineResult wrap(ByteBuffer[] srcs) {
        if (netOut == null) {
            netOut = TlsBuffers.take(packetSize);
        } else {
            netOut.compact();
        }
        SSLEngineResult r;
        try {
            r = engine.wrap(srcs, netOut);
        } catch (SSLException e) {
            settleNetOut(); // back to read mode before fail() appends the alert to netOut and sends it
            throw fail(e);
        }
        settleNetOut();
        return r;
    }

    private void settleNetOut() {
        netOut.flip();
        if (!netOut.hasRemaining()) {
            netOut = TlsBuffers.give(netOut);
        }
    }

    /** @return a buffer of at least {@code size} bytes holding {@code b}'s data, in {@code b}'s mode */
    private static ByteBuffer grow(ByteBuffer b, int size, boolean readMode) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, b == null ? 0 : b.capacity() * 2));
        if (b != null) {
            if (!readMode) {
                b.flip();
            }
            bigger.put(b);
            TlsBuffers.give(b);
        }
        if (readMode) {
            bigger.flip();
        }
        return bigger;
    }

    private static boolean hasRemaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Failure and closing

    private void checkUsable() {
        if (failure != null) {
            throw new UncheckedIOException(failure.getMessage(), failure);
        }
        if (closed) {
            throw new UncheckedIOException(new Closed("the TLS stream with " + peer + " is closed"));
        }
    }

    /** A {@link ClosedChannelException} that says which stream, and why. */
    private static final class Closed extends ClosedChannelException {
        private final String message;

        Closed(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }

    /** Records a TLS failure (sticky), tries once to send the alert the engine made, and returns it to throw. */
    private UncheckedIOException fail(SSLException e) {
        // An SSLHandshakeException after the handshake is the peer's late verdict on it: a TLS 1.3 server checks
        // the client's certificate after the client's side of the handshake is done.
        IOException f = e instanceof TlsTruncationException || (handshaken && !(e instanceof SSLHandshakeException))
                ? e : TlsHandshakeException.classify(e, peer);
        if (failure == null) {
            failure = f;
            sendQuietly();
        }
        return new UncheckedIOException(f.getMessage(), f);
    }

    /** Wraps what the engine still has to say (an alert, close_notify) and offers it to the stream below once. */
    private void sendQuietly() {
        ByteBuffer out = netOut == null ? ByteBuffer.allocate(packetSize) : netOut.compact();
        netOut = null; // out owns the pending bytes until they are put back below
        for (int i = 0; i < 8 && !engine.isOutboundDone(); i++) {
            try {
                SSLEngineResult r = engine.wrap(NOTHING, out);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    // The engine wants a whole packet of room after what is pending (a TLS 1.3 alert during the
                    // handshake comes after the ServerHello and change_cipher_spec it still has to send).
                    out = grow(out, out.position() + packetSize, false);
                    continue;
                }
                if (r.bytesProduced() == 0) {
                    break;
                }
            } catch (SSLException | RuntimeException e) {
                break; // the connection is failing already; the alert is a courtesy
            }
        }
        out.flip();
        netOut = out.hasRemaining() ? out : null;
        if (netOut != null) {
            try {
                writeCx.parent = null;
                io.pollWrite(writeCx, netOut);
            } catch (RuntimeException ignored) {
                // the stream below failed too: nothing more to say
            }
        }
    }

    /**
     * Closes the connection and the stream below (if it is {@link AutoCloseable}), after one attempt to send
     * {@code close_notify} that does not wait. Pending reads and writes fail. Idempotent. For a clean end that
     * waits until the peer can see it, {@link #shutdown()} first.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (handshaken && failure == null && !outboundClosing) {
                outboundClosing = true;
                engine.closeOutbound();
                sendQuietly();
            }
            closed = true;
            engine.closeOutbound();
            try {
                engine.closeInbound();
            } catch (SSLException ignored) {
                // no close_notify came: expected when this side closes first
            }
            netIn = TlsBuffers.give(netIn);
            appIn = TlsBuffers.give(appIn);
            netOut = TlsBuffers.give(netOut);
        }
        if (io instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing is best effort: the stream below reports its own failures to its own users
            }
        }
        netReadable();
        netWritable();
    }

    /** @return how many buffers this stream holds now (0 when idle), for tests */
    synchronized int buffersHeld() {
        return (netIn == null ? 0 : 1) + (appIn == null ? 0 : 1) + (netOut == null ? 0 : 1);
    }

    /** @return whether {@link #close} was called */
    public synchronized boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Waking

    private void netReadable() {
        Waker r = readerWaker;
        if (r != null) {
            r.wake();
        }
        if (writerWantsRead) {
            Waker w = writerWaker;
            if (w != null && w != r) {
                w.wake();
            }
        }
    }

    private void netWritable() {
        Waker w = writerWaker;
        if (w != null) {
            w.wake();
        }
        if (readerWantsWrite) {
            Waker r = readerWaker;
            if (r != null && r != w) {
                r.wake();
            }
        }
    }

    /**
     * The context the stream below is polled with: its waker wakes whichever of this stream's tasks waits on that
     * direction, and its budget is the polling task's. Used only with the monitor held.
     */
    private static final class IoContext implements Context {
        private final Waker waker;
        Context parent;

        IoContext(Waker waker) {
            this.waker = waker;
        }

        @Override
        public Waker waker() {
            return waker;
        }

        @Override
        public boolean consumeBudget() {
            return parent == null || parent.consumeBudget();
        }

        @Override
        public void waitingOn(Object what) {
            if (parent != null) {
                parent.waitingOn(what);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Splitting and the handshake future

    /**
     * Splits this stream so a reader task and a writer task can each own a half. Closing either half closes the
     * stream.
     *
     * @return the two halves
     */
    public Halves<S> split() {
        return new Halves<>(new ReadHalf<>(this), new WriteHalf<>(this));
    }

    /**
     * The two halves of a split TLS stream.
     *
     * @param reader the read half
     * @param writer the write half
     * @param <S>    the type of the stream below
     */
    public record Halves<S extends AsyncRead & AsyncWrite>(ReadHalf<S> reader, WriteHalf<S> writer) {
    }

    /**
     * The read half of a split TLS stream.
     *
     * @param <S> the type of the stream below
     */
    public static final class ReadHalf<S extends AsyncRead & AsyncWrite> implements AsyncRead, AutoCloseable {
        private final TlsStream<S> tls;

        ReadHalf(TlsStream<S> tls) {
            this.tls = tls;
        }

        @Override
        public int pollRead(Context cx, ByteBuffer dst) {
            return tls.pollRead(cx, dst);
        }

        /** @return the whole stream */
        public TlsStream<S> stream() {
            return tls;
        }

        /** Closes the whole stream. */
        @Override
        public void close() {
            tls.close();
        }
    }

    /**
     * The write half of a split TLS stream; its {@link #shutdown()} ends the write direction only.
     *
     * @param <S> the type of the stream below
     */
    public static final class WriteHalf<S extends AsyncRead & AsyncWrite> implements AsyncWrite, AutoCloseable {
        private final TlsStream<S> tls;

        WriteHalf(TlsStream<S> tls) {
            this.tls = tls;
        }

        @Override
        public int pollWrite(Context cx, ByteBuffer src) {
            return tls.pollWrite(cx, src);
        }

        @Override
        public long pollWriteVectored(Context cx, ByteBuffer[] srcs) {
            return tls.pollWriteVectored(cx, srcs);
        }

        @Override
        public int pollFlush(Context cx) {
            return tls.pollFlush(cx);
        }

        @Override
        public int pollShutdown(Context cx) {
            return tls.pollShutdown(cx);
        }

        /** @return the whole stream */
        public TlsStream<S> stream() {
            return tls;
        }

        /** Closes the whole stream. */
        @Override
        public void close() {
            tls.close();
        }
    }

    /**
     * The future of a handshake: completes with the stream once the handshake is done; on failure, time-out or
     * cancel, closes it (and the stream below).
     */
    static <S extends AsyncRead & AsyncWrite> Future<TlsStream<S>> handshake(TlsStream<S> tls, Duration limit) {
        Future<TlsStream<S>> bare = new Future<>() {
            @Override
            public Poll<TlsStream<S>> poll(Context cx) {
                try {
                    return tls.pollHandshake(cx) == PENDING ? Poll.pending() : Poll.ready(tls);
                } catch (RuntimeException | Error e) {
                    tls.close();
                    throw e;
                }
            }

            @Override
            public void cancel() {
                tls.close();
            }
        };
        if (limit == null) {
            return bare;
        }
        return new Future<>() {
            private Timeout<TlsStream<S>> limited; // made at the first poll, on the poller's clock

            @Override
            public Poll<TlsStream<S>> poll(Context cx) {
                if (limited == null) {
                    limited = Timeout.timeout(limit, bare);
                }
                try {
                    return limited.poll(cx);
                } catch (TimeoutException e) {
                    tls.close();
                    throw new UncheckedIOException(new TlsHandshakeException(TlsHandshakeException.Reason.TIMED_OUT,
                            "the TLS handshake with " + tls.peer + " did not finish within "
                                    + limit.toMillis() + " ms", e));
                }
            }

            @Override
            public void cancel() {
                if (limited != null) {
                    limited.cancel();
                }
                tls.close();
            }
        };
    }

    @Override
    public String toString() {
        return "TlsStream[" + (isClient() ? "client" : "server") + " with " + peer + (handshaken ? ", "
                + protocol() : ", handshaking") + (closed ? ", closed]" : "]");
    }
}
