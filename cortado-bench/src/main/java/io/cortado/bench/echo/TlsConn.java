package io.cortado.bench.echo;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The least a TLS connection over a {@link SocketChannel} needs with the JDK's {@link SSLEngine}, for the W12
 * ({@code tls_echo}) minimal server and load generators: encrypted bytes in and out in direct buffers sized once
 * from the session, delegated tasks run inline, no locks, no copies beyond the engine's. Works on a blocking channel
 * (each call then waits) and on a non-blocking one (each call does what it can and says what it waits on).
 */
final class TlsConn {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SocketChannel ch;
    final SSLEngine engine;
    /** Encrypted bytes read, not yet unwrapped (write mode). */
    private final ByteBuffer netIn;
    /** Encrypted bytes wrapped, not yet written (write mode). */
    private final ByteBuffer netOut;
    /** Where handshake unwraps put the (absent) application data. */
    private final ByteBuffer scratch;
    private final int packetSize;
    /** The last unwrap stopped because the destination was full: netIn may hold whole records still. */
    private boolean overflowed;
    private boolean handshaken;

    TlsConn(SocketChannel ch, SSLEngine engine) throws SSLException {
        engine.beginHandshake(); // until then a new engine says NOT_HANDSHAKING
        this.ch = ch;
        this.engine = engine;
        this.packetSize = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocateDirect(2 * packetSize);
        this.netOut = ByteBuffer.allocateDirect(4 * packetSize);
        this.scratch = ByteBuffer.allocateDirect(engine.getSession().getApplicationBufferSize());
    }

    boolean handshaken() {
        return handshaken;
    }

    /** Whether encrypted bytes are waiting for the socket to take them. */
    boolean hasPendingOutput() {
        return netOut.position() > 0;
    }

    /** Whether the last {@link #read} left records unwrapped for want of room: call it again after making room. */
    boolean overflowed() {
        return overflowed;
    }

    /**
     * Advances the handshake as far as the socket allows.
     *
     * @return true once it is done (and its last bytes sent)
     * @throws EOFException if the peer closed the connection during the handshake
     */
    boolean handshake() throws IOException {
        if (handshaken) {
            return true;
        }
        for (; ; ) {
            if (!flushNet()) {
                return false;
            }
            switch (engine.getHandshakeStatus()) {
                case NOT_HANDSHAKING, FINISHED -> {
                    handshaken = true;
                    return true;
                }
                case NEED_TASK -> runTasks();
                case NEED_WRAP -> check(engine.wrap(EMPTY, netOut));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult r = engine.unwrap(netIn, scratch);
                    netIn.compact();
                    scratch.clear();
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                        int n = ch.read(netIn);
                        if (n < 0) {
                            throw new EOFException("the peer closed the connection during the TLS handshake");
                        }
                        if (n == 0) {
                            return false;
                        }
                    } else {
                        check(r);
                    }
                }
            }
        }
    }

    /**
     * Encrypts all of {@code src} and writes what the socket takes.
     *
     * @return true if every byte went out; false if some wait (in {@code src} or encrypted): call again, with more
     * bytes or none, when the socket is writable
     */
    boolean write(ByteBuffer src) throws IOException {
        if (!flushNet()) {
            return false;
        }
        while (src.hasRemaining()) {
            if (netOut.remaining() < packetSize && !flushNet()) {
                return false;
            }
            SSLEngineResult r = engine.wrap(src, netOut);
            check(r);
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                throw new SSLException("wrap made no progress (" + r.getHandshakeStatus() + ")");
            }
        }
        return flushNet();
    }

    /**
     * Reads what the socket has and decrypts every whole record into {@code dst} (as far as it has room).
     *
     * @return the bytes put in {@code dst}, or -1 once the peer closed (close_notify or end of stream)
     */
    int read(ByteBuffer dst) throws IOException {
        int n = overflowed ? 0 : ch.read(netIn);
        overflowed = false;
        int produced = 0;
        netIn.flip();
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(netIn, dst);
                if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                switch (r.getStatus()) {
                    case OK -> produced += r.bytesProduced();
                    case BUFFER_UNDERFLOW -> {
                        return produced;
                    }
                    case BUFFER_OVERFLOW -> {
                        overflowed = true;
                        return produced;
                    }
                    case CLOSED -> {
                        return produced > 0 ? produced : -1;
                    }
                }
                if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                    check(engine.wrap(EMPTY, netOut)); // a key update's answer
                    flushNet();
                }
            }
        } finally {
            netIn.compact();
        }
        return n < 0 && produced == 0 ? -1 : produced;
    }

    /** Sends close_notify if the socket takes it at once, then closes the socket. */
    void close() {
        try {
            engine.closeOutbound();
            check(engine.wrap(EMPTY, netOut));
            flushNet();
        } catch (IOException | RuntimeException ignored) {
            // closing anyway
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closed anyway
        }
    }

    /** Writes what netOut holds; true if it is empty afterwards. */
    private boolean flushNet() throws IOException {
        if (netOut.position() == 0) {
            return true;
        }
        netOut.flip();
        ch.write(netOut);
        netOut.compact();
        return netOut.position() == 0;
    }

    private void runTasks() {
        Runnable t;
        while ((t = engine.getDelegatedTask()) != null) {
            t.run();
        }
    }

    private static void check(SSLEngineResult r) throws SSLException {
        if (r.getStatus() != SSLEngineResult.Status.OK) {
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the TLS engine is closed");
            }
            throw new SSLException("unexpected " + r.getStatus() + " (buffers are sized from the session)");
        }
    }
}
