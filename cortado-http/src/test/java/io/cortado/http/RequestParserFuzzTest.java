package io.cortado.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.io.AsyncRead;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the request parser ({@link Wire}, {@link RequestParser}) and the body decoder ({@link Body}) together,
 * reading a stream of pipelined requests. Properties: the requests (head fields and body bytes) and the final
 * outcome (the end, an incomplete request, or an {@link HttpException} status) are the same whatever the chunking
 * of the bytes, including all at once; no request the limits forbid is ever returned (request line, head size,
 * field count, body size); no exception but {@link HttpException} is thrown.
 *
 * <p>Input layout: the maximum request line ({@code 16 + b % 128}), head size ({@code 32 + 4 b}), field count
 * ({@code 1 + b % 16}) and body size ({@code 8 b}), one byte each; a count byte {@code k % 16} and {@code k} chunk
 * lengths ({@code (b & 0x3f) + 1}); the rest is the stream. The committed corpus
 * ({@code RequestParserFuzzTestInputs}) replays in every build: pipelined requests with both body framings,
 * smuggling attempts (CL and TE, two CLs, obs-fold, bare LF), a chunked body with trailers.
 */
class RequestParserFuzzTest extends RuntimeTestBase {

    /** What parsing a stream gave: one line per request, then how it ended. */
    record Outcome(List<String> requests, String end) {
    }

    /** Reads chunks, each after one Pending (woken at once), then the end. */
    static final class ChunkSource implements AsyncRead {
        private final List<byte[]> chunks;
        private int next;
        private boolean pended;

        ChunkSource(List<byte[]> chunks) {
            this.chunks = new ArrayList<>(chunks);
        }

        @Override
        public int pollRead(Context cx, ByteBuffer dst) {
            if (next == chunks.size()) {
                return EOF;
            }
            if (!pended) {
                pended = true;
                cx.waker().wake();
                return PENDING;
            }
            byte[] c = chunks.get(next);
            int n = Math.min(c.length, dst.remaining());
            dst.put(c, 0, n);
            if (n == c.length) {
                next++;
                pended = false;
            } else {
                chunks.set(next, Arrays.copyOfRange(c, n, c.length));
            }
            return n;
        }
    }

    static Outcome parse(Limits limits, List<byte[]> chunks) {
        Context cx = Context.of(new TestWaker());
        Wire wire = new Wire(limits, new ChunkSource(chunks));
        List<String> requests = new ArrayList<>();
        try {
            for (int polls = 0; polls < 1_000_000; polls++) {
                int before = wire.start;
                Request r = wire.tryParse();
                if (r == null) {
                    int n = wire.fill(cx);
                    if (n == AsyncRead.EOF) {
                        return new Outcome(requests, wire.available() > 0 ? "incomplete" : "end");
                    }
                    continue;
                }
                int headLength = wire.start - before;
                String line = r.method() + " " + r.target() + " " + r.version();
                assertTrue(headLength <= limits.maxHeaderBytes(), "a head of " + headLength + " bytes");
                assertTrue(line.length() <= limits.maxRequestLine(), "a request line of " + line.length());
                assertTrue(r.headerCount() <= limits.maxHeaders(), r.headerCount() + " fields");
                StringBuilder sb = new StringBuilder(line);
                for (int i = 0; i < r.headerCount(); i++) {
                    sb.append(" | ").append(r.headerName(i)).append(": ").append(r.headerValue(i));
                }
                Body body = r.contentLength() == 0 ? Body.EMPTY : new Body(wire, r.contentLength(), limits.maxBody());
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                for (; ; ) {
                    if (++polls > 1_000_000) {
                        throw new AssertionError("no progress");
                    }
                    Poll<ByteBuffer> p = body.pollNext(cx);
                    if (!p.isReady()) {
                        continue;
                    }
                    ByteBuffer b = p.value();
                    if (b == null) {
                        break;
                    }
                    bytes.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                    assertTrue(bytes.size() <= limits.maxBody(), "a body of " + bytes.size() + " bytes");
                }
                sb.append(" | body ").append(bytes.toString(StandardCharsets.ISO_8859_1));
                requests.add(sb.toString());
            }
            throw new AssertionError("no progress");
        } catch (HttpException e) {
            return new Outcome(requests, "status " + e.status());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzParser(byte[] data) {
        int at = 0;
        int[] p = new int[5];
        for (int i = 0; i < p.length; i++) {
            p[i] = at < data.length ? data[at++] & 0xff : 0;
        }
        Limits limits = new Limits(16 + p[0] % 128, 32 + 4 * p[1], 1 + p[2] % 16, 8L * p[3],
                Duration.ofSeconds(1), Duration.ofSeconds(1), 1000, 10);
        int cuts = p[4] % 16;
        int[] sizes = new int[cuts];
        for (int i = 0; i < cuts; i++) {
            sizes[i] = ((at < data.length ? data[at++] : 0) & 0x3f) + 1;
        }
        byte[] stream = Arrays.copyOfRange(data, Math.min(at, data.length), data.length);
        List<byte[]> chunks = new ArrayList<>();
        int from = 0;
        for (int s : sizes) {
            int to = Math.min(stream.length, from + s);
            chunks.add(Arrays.copyOfRange(stream, from, to));
            from = to;
        }
        chunks.add(Arrays.copyOfRange(stream, from, stream.length));
        Outcome whole = parse(limits, List.of(stream));
        assertEquals(whole, parse(limits, chunks), "chunked as " + Arrays.toString(sizes));
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < Math.min(stream.length, 2000); i++) {
            bytes.add(new byte[]{stream[i]});
        }
        if (stream.length <= 2000) {
            assertEquals(whole, parse(limits, bytes), "one byte a read");
        }
    }
}
