package io.cortado.tls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.io.AsyncWrite;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes the server side of a TLS handshake with whatever a hostile client could send, in chunks of the fuzzer's
 * choosing. Properties: the handshake ends (after a bounded number of polls) with a {@link TlsHandshakeException}
 * as the cause of an {@link UncheckedIOException} — never another exception, never a hang — the stream below is
 * closed, and the TLS stream holds at most its three buffers meanwhile.
 *
 * <p>Input: one byte for the chunk size ({@code b % 64 + 1}), then the bytes the client sends. The committed corpus
 * ({@code TlsFuzzTestInputs}) holds the JDK's own ClientHellos for TLS 1.3 and 1.2 (each cut off where the client
 * would wait), a plaintext HTTP request and a bare record header; it replays in every build, {@code -Pfuzz} fuzzes.
 */
class TlsFuzzTest extends RuntimeTestBase {
    private static final TlsAcceptor ACCEPTOR = TlsAcceptor.builder(TlsTest.LOCALHOST.chain(), TlsTest.LOCALHOST.key())
            .handshakeTimeout(null).build();

    /** The client's bytes in chunks, then the end; writes are taken and dropped. */
    static final class Feed implements AsyncRead, AsyncWrite, AutoCloseable {
        private final byte[] in;
        private final int chunk;
        private int at;
        boolean closed;

        Feed(byte[] in, int chunk) {
            this.in = in;
            this.chunk = chunk;
        }

        @Override
        public int pollRead(Context cx, ByteBuffer dst) {
            if (at == in.length) {
                return EOF;
            }
            int n = Math.min(Math.min(chunk, in.length - at), dst.remaining());
            dst.put(in, at, n);
            at += n;
            return n;
        }

        @Override
        public int pollWrite(Context cx, ByteBuffer src) {
            int n = src.remaining();
            src.position(src.limit());
            return n;
        }

        @Override
        public int pollShutdown(Context cx) {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzServerHandshake(byte[] data) {
        if (data.length == 0) {
            return;
        }
        Feed feed = new Feed(java.util.Arrays.copyOfRange(data, 1, data.length), (data[0] & 0xff) % 64 + 1);
        Future<TlsStream<Feed>> handshake = ACCEPTOR.accept(feed);
        Context cx = Context.of(new TestWaker());
        try {
            for (int polls = 0; polls < 10_000; polls++) {
                Poll<TlsStream<Feed>> p = handshake.poll(cx);
                if (p.isReady()) {
                    // Only a real client completes a handshake; whatever it is, it is a usable stream.
                    p.value().close();
                    return;
                }
            }
            fail("the handshake neither ended nor failed after 10,000 polls of a finite input");
        } catch (UncheckedIOException e) {
            assertInstanceOf(TlsHandshakeException.class, e.getCause(), () -> "an undocumented failure: " + e);
            assertTrue(feed.closed, "a failed handshake closes the stream below");
        }
    }
}
