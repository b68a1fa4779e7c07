package io.cortado.http;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cortado.Context;
import io.cortado.io.AsyncRead;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the WebSocket frame decoder ({@link FrameDecoder}) reading from a {@link Wire}. Properties: the frames
 * and the final outcome (the end, a frame cut short, or a {@link WebSocketException} code) are the same whatever
 * the chunking of the bytes, including all at once and one byte a read; no message is longer than the limit; no
 * control frame is longer than 125 bytes; every text message and Close reason returned is UTF-8; no exception but
 * {@link WebSocketException} is thrown.
 *
 * <p>Input layout: the maximum message size ({@code 1 + 4 b}), one byte; a count byte {@code k % 16} and {@code k}
 * chunk lengths ({@code (b & 0x3f) + 1}); the rest is the stream of client frames. The committed corpus
 * ({@code WebSocketFrameFuzzTestInputs}) replays in every build: fragmented text with a ping between the
 * fragments and a close, all three length forms, an unmasked frame, a message over the limit.
 */
class WebSocketFrameFuzzTest extends RuntimeTestBase {

    record Outcome(List<String> frames, String end) {
    }

    static Outcome decode(long max, List<byte[]> chunks) {
        Context cx = Context.of(new TestWaker());
        Limits limits = new Limits(64, 64, 4, 0, Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1);
        Wire wire = new Wire(limits, new RequestParserFuzzTest.ChunkSource(chunks));
        FrameDecoder decoder = new FrameDecoder(max, true);
        List<String> frames = new ArrayList<>();
        try {
            for (int polls = 0; polls < 1_000_000; polls++) {
                FrameDecoder.Frame f = decoder.next(wire);
                if (f == null) {
                    int n = wire.fill(cx);
                    if (n == AsyncRead.EOF) {
                        return new Outcome(frames, wire.available() > 0 ? "incomplete" : "end");
                    }
                    continue;
                }
                byte[] p = f.payload();
                if (f.opcode() >= FrameDecoder.CLOSE) {
                    assertTrue(p.length <= 125, "a control frame of " + p.length + " bytes");
                } else {
                    assertTrue(p.length <= max, "a message of " + p.length + " bytes");
                    assertTrue(f.opcode() == FrameDecoder.TEXT || f.opcode() == FrameDecoder.BINARY);
                }
                if (f.opcode() == FrameDecoder.TEXT) {
                    assertTrue(FrameDecoder.isUtf8(p, 0, p.length), "a text message that is not UTF-8");
                }
                if (f.opcode() == FrameDecoder.CLOSE && p.length > 0) {
                    assertTrue(p.length >= 2 && FrameDecoder.isUtf8(p, 2, p.length - 2), "a bad Close payload");
                }
                frames.add(f.opcode() + " " + HexFormat.of().formatHex(p));
            }
            throw new AssertionError("no progress");
        } catch (WebSocketException e) {
            return new Outcome(frames, "close " + e.code());
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzDecoder(byte[] data) {
        int at = 0;
        long max = 1 + 4L * (at < data.length ? data[at++] & 0xff : 0);
        int cuts = (at < data.length ? data[at++] & 0xff : 0) % 16;
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
        Outcome whole = decode(max, List.of(stream));
        assertEquals(whole, decode(max, chunks), "chunked as " + Arrays.toString(sizes));
        if (stream.length <= 2000) {
            List<byte[]> bytes = new ArrayList<>();
            for (byte b : stream) {
                bytes.add(new byte[]{b});
            }
            assertEquals(whole, decode(max, bytes), "one byte a read");
        }
    }
}
