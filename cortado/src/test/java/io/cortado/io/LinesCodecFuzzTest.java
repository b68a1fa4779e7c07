package io.cortado.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cortado.Context;
import io.cortado.stream.Stream;
import io.cortado.testing.RuntimeTestBase;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link LinesCodec}, alone and through a {@link BufReader} fed in fuzzer-chosen chunks. Properties: the lines
 * are those of a reference splitter (cut at {@code \n}, one {@code \r} before it or at the end dropped, a last line
 * without {@code \n} kept), whatever the chunking and buffer size; no line is longer than the maximum; a line over
 * the maximum, the last one included, fails with {@link FrameTooLongException} after the lines before it, and no
 * other exception is thrown.
 *
 * <p>Input layout ({@link FuzzInput}): the maximum line length ({@code b % 64 + 1}), the reader's initial capacity
 * ({@code b % 64 + 1}), then the chunking and the stream. The committed corpus ({@code LinesCodecFuzzTestInputs})
 * replays in every build: over-long last lines with and without {@code \r} (issue 17 item 8), {@code \r\n} split
 * across chunks, lines longer than the buffer.
 */
class LinesCodecFuzzTest extends RuntimeTestBase {

    /** The expected outcome: these lines, then the end or a too-long line. */
    record Outcome(List<String> lines, boolean tooLong) {
    }

    static Outcome reference(byte[] stream, int max) {
        List<String> lines = new ArrayList<>();
        int from = 0;
        while (from < stream.length) {
            int nl = from;
            while (nl < stream.length && stream[nl] != '\n') {
                nl++;
            }
            int len = nl - from;
            if (len > 0 && stream[nl - 1] == '\r') {
                len--;
            }
            if (len > max) {
                return new Outcome(lines, true);
            }
            lines.add(new String(stream, from, len, StandardCharsets.UTF_8));
            from = nl + 1;
        }
        return new Outcome(lines, false);
    }

    static Outcome wholeBuffer(byte[] stream, int max) {
        LinesCodec codec = new LinesCodec(max);
        ByteBuffer b = ByteBuffer.wrap(stream);
        List<String> lines = new ArrayList<>();
        try {
            for (String line; (line = codec.decode(b)) != null; ) {
                lines.add(line);
            }
            String last = codec.decodeEof(b);
            if (last != null) {
                lines.add(last);
                assertNull(codec.decodeEof(b), "nothing after the last line");
            }
            return new Outcome(lines, false);
        } catch (FrameTooLongException e) {
            return new Outcome(lines, true);
        }
    }

    static Outcome chunked(FuzzInput.Script script, int max, int capacity) {
        BufReader r = new BufReader(script.source(), capacity);
        Stream<String> s = r.lines(max);
        Context cx = FuzzInput.context();
        List<String> lines = new ArrayList<>();
        try {
            for (String line; (line = FuzzInput.poll(() -> s.pollNext(cx))) != null; ) {
                lines.add(line);
            }
            return new Outcome(lines, false);
        } catch (UncheckedIOException e) {
            if (!(e.getCause() instanceof FrameTooLongException)) {
                throw e;
            }
            return new Outcome(lines, true);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzLines(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int max = in.u8() % 64 + 1;
        int capacity = in.u8() % 64 + 1;
        FuzzInput.Script script = in.script();
        Outcome expected = reference(script.stream(), max);
        Outcome whole = wholeBuffer(script.stream(), max);
        Outcome chunked = chunked(script, max, capacity);
        assertEquals(expected, whole, "one buffer");
        assertEquals(expected, chunked, "chunked, capacity " + capacity);
        for (String line : chunked.lines()) {
            assertTrue(line.length() <= max, "a line of " + line.length() + " chars; the maximum is " + max);
        }
    }
}
