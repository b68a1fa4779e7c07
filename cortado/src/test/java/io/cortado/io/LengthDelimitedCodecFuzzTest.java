package io.cortado.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cortado.Context;
import io.cortado.testing.RuntimeTestBase;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link LengthDelimitedCodec} through a {@link BufReader} fed in fuzzer-chosen chunks, with and without a
 * {@link FrameBudget}. Properties: without a budget the frames and the way the stream ends (cleanly, a
 * {@link FrameTooLongException} for a header over the maximum, an {@link EOFException} in mid-frame) are those of a
 * reference parser, whatever the chunking and buffer size; no frame is longer than the maximum; with a budget the
 * frames are a prefix of those, and the run differs only by ending in a {@link FrameBudgetExceededException}; the
 * budget never holds more than its cap nor other than the reader's growth, and the reader is back to its initial
 * capacity (the budget to 0) once drained or failed (issue 17 item 10). No other exception is thrown.
 *
 * <p>Input layout ({@link FuzzInput}): the maximum frame length ({@code b % 64}), the reader's initial capacity
 * ({@code b % 32 + 1}), the budget ({@code b * 2} bytes), then the chunking and the stream.
 */
class LengthDelimitedCodecFuzzTest extends RuntimeTestBase {

    /** Frames, then how the stream ended: null for cleanly, else the exception's class. */
    record Outcome(List<byte[]> frames, Class<? extends IOException> end) {
    }

    static Outcome reference(byte[] s, int max) {
        List<byte[]> frames = new ArrayList<>();
        int at = 0;
        while (at < s.length) {
            if (s.length - at < 4) {
                return new Outcome(frames, EOFException.class);
            }
            long len = ByteBuffer.wrap(s, at, 4).getInt() & 0xffff_ffffL;
            if (len > max) {
                return new Outcome(frames, FrameTooLongException.class);
            }
            if (s.length - at - 4 < len) {
                return new Outcome(frames, EOFException.class);
            }
            frames.add(Arrays.copyOfRange(s, at + 4, at + 4 + (int) len));
            at += 4 + (int) len;
        }
        return new Outcome(frames, null);
    }

    static Outcome chunked(FuzzInput.Script script, int max, int capacity, FrameBudget budget) {
        BufReader r = new BufReader(script.source(), capacity, budget);
        LengthDelimitedCodec codec = new LengthDelimitedCodec(max);
        Context cx = FuzzInput.context();
        List<byte[]> frames = new ArrayList<>();
        try {
            for (; ; ) {
                byte[] frame = FuzzInput.poll(() -> {
                    var p = r.pollFrame(cx, codec);
                    checkBudget(r, capacity, budget);
                    return p;
                });
                if (frame == null) {
                    break;
                }
                assertTrue(frame.length <= max, "a frame of " + frame.length + " bytes; the maximum is " + max);
                frames.add(frame);
            }
            assertEquals(capacity, r.capacity(), "drained: back to the initial buffer");
            return new Outcome(frames, null);
        } catch (UncheckedIOException e) {
            Class<? extends IOException> end = e.getCause().getClass();
            assertTrue(end == FrameTooLongException.class || end == EOFException.class
                    || end == FrameBudgetExceededException.class, "undocumented failure: " + e);
            assertEquals(0, r.buffered(), "a failed reader drops its bytes");
            assertEquals(capacity, r.capacity(), "a failed reader drops its buffer");
            return new Outcome(frames, end);
        } finally {
            if (budget != null) {
                assertEquals(0, budget.reserved(), "the share came back");
            }
        }
    }

    private static void checkBudget(BufReader r, int capacity, FrameBudget budget) {
        if (budget != null) {
            assertTrue(budget.reserved() <= budget.maxBytes(), "over the cap: " + budget.reserved());
            assertEquals(r.capacity() - capacity, budget.reserved(), "the budget counts the growth");
        }
    }

    @FuzzTest(maxDuration = "60s")
    void fuzzFrames(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int max = in.u8() % 64;
        int capacity = in.u8() % 32 + 1;
        int budgetBytes = in.u8() * 2 + 1;
        FuzzInput.Script script = in.script();
        Outcome expected = reference(script.stream(), max);
        assertSame(expected, chunked(script, max, capacity, null), false);
        assertSame(expected, chunked(script, max, capacity, new FrameBudget(budgetBytes)), true);
    }

    private static void assertSame(Outcome expected, Outcome got, boolean budgeted) {
        if (budgeted && got.end() == FrameBudgetExceededException.class) {
            assertTrue(got.frames().size() <= expected.frames().size(), "more frames than the reference");
        } else {
            assertEquals(expected.end(), got.end(), "how the stream ended");
            assertEquals(expected.frames().size(), got.frames().size(), "frame count");
        }
        for (int i = 0; i < got.frames().size(); i++) {
            assertArrayEquals(expected.frames().get(i), got.frames().get(i), "frame " + i);
        }
    }
}
