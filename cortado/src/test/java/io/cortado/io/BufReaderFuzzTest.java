package io.cortado.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes one {@link BufReader} read in a fuzzer-chosen mix of lines, length-delimited frames and raw reads (each
 * decoder one instance for the whole run, as a {@code lines()} stream keeps its codec), some polled only once so
 * that a Pending leaves a decoder's scan behind while raw reads take the bytes (issue 17 item 9). Properties: every
 * operation returns what a model reading the same stream from one cursor returns (a raw read any non-empty prefix
 * of what is left); no frame or line is longer than its maximum; a failure is one of the documented ones and leaves
 * the reader empty with its budget share returned; the reader holds its initial buffer whenever at most half of it
 * is in use, and the budget counts exactly its growth and never exceeds its cap (item 10).
 *
 * <p>Input layout ({@link FuzzInput}): the maximum line length ({@code b % 32 + 1}), the maximum frame length
 * ({@code b % 32}), the reader's initial capacity ({@code b % 32 + 1}), the budget ({@code 0}: none, else
 * {@code b * 4} bytes), the operation count ({@code b % 24}) and one byte per operation ({@code b % 5}: 0 a line,
 * 1 a frame, 2 a raw read of {@code (b / 5) % 16 + 1} bytes, 3 a line polled once, 4 a frame polled once), then the
 * chunking and the stream.
 */
class BufReaderFuzzTest extends RuntimeTestBase {

    @FuzzTest(maxDuration = "60s")
    void fuzzMixedReads(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        int maxLine = in.u8() % 32 + 1;
        int maxFrame = in.u8() % 32;
        int capacity = in.u8() % 32 + 1;
        int budgetByte = in.u8();
        int[] ops = new int[in.u8() % 24];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = in.u8();
        }
        FuzzInput.Script script = in.script();
        byte[] s = script.stream();
        FrameBudget budget = budgetByte == 0 ? null : new FrameBudget(budgetByte * 4L);
        BufReader r = new BufReader(script.source(), capacity, budget);
        LinesCodec lines = new LinesCodec(maxLine);
        LengthDelimitedCodec frames = new LengthDelimitedCodec(maxFrame);
        Context cx = FuzzInput.context();
        int at = 0; // the model's cursor
        for (int op : ops) {
            int kind = op % 5;
            try {
                switch (kind) {
                    case 0, 3 -> {
                        Poll<String> p = kind == 0 ? Poll.ready(FuzzInput.poll(() -> r.pollFrame(cx, lines)))
                                : r.pollFrame(cx, lines);
                        if (p.isReady()) {
                            at = expectLine(s, at, maxLine, p.value());
                        }
                    }
                    case 1, 4 -> {
                        Poll<byte[]> p = kind == 1 ? Poll.ready(FuzzInput.poll(() -> r.pollFrame(cx, frames)))
                                : r.pollFrame(cx, frames);
                        if (p.isReady()) {
                            at = expectFrame(s, at, maxFrame, p.value());
                        }
                    }
                    default -> {
                        ByteBuffer dst = ByteBuffer.allocate((op / 5) % 16 + 1);
                        int n = FuzzInput.poll(() -> {
                            int k = r.pollRead(cx, dst);
                            return k == AsyncRead.PENDING ? Poll.pending() : Poll.ready(k);
                        });
                        if (at == s.length) {
                            assertEquals(AsyncRead.EOF, n, "a raw read at the end");
                        } else {
                            assertTrue(n >= 1 && n <= dst.capacity(), "a raw read of " + n);
                            assertArrayEquals(Arrays.copyOfRange(s, at, at + n), Arrays.copyOf(dst.array(), n),
                                    "raw bytes at " + at);
                            at += n;
                        }
                    }
                }
            } catch (UncheckedIOException e) {
                expectFailure(s, at, kind, maxLine, maxFrame, budget, e.getCause());
                assertEquals(0, r.buffered(), "a failed reader drops its bytes");
                assertEquals(capacity, r.capacity(), "and its buffer");
                if (budget != null) {
                    assertEquals(0, budget.reserved(), "and its share of the budget");
                }
                return;
            }
            if (r.buffered() <= capacity / 2) {
                assertEquals(capacity, r.capacity(), "at most half the initial buffer in use: back to it");
            }
            if (budget != null) {
                assertEquals(r.capacity() - capacity, budget.reserved(), "the budget counts the growth");
                assertTrue(budget.reserved() <= budget.maxBytes());
            }
        }
    }

    /** @return the model's cursor after checking {@code got} against the line it expects at {@code at} */
    private static int expectLine(byte[] s, int at, int max, String got) {
        if (at == s.length) {
            assertNull(got, "the end of the stream");
            return at;
        }
        assertNotNull(got, "a line at " + at);
        int nl = at;
        while (nl < s.length && s[nl] != '\n') {
            nl++;
        }
        int len = nl - at;
        if (len > 0 && s[nl - 1] == '\r') {
            len--;
        }
        assertTrue(len <= max, "the line at " + at + " is too long, yet it was returned: " + got);
        assertEquals(new String(s, at, len, StandardCharsets.UTF_8), got, "the line at " + at);
        return Math.min(s.length, nl + 1);
    }

    /** @return the model's cursor after checking {@code got} against the frame it expects at {@code at} */
    private static int expectFrame(byte[] s, int at, int max, byte[] got) {
        if (at == s.length) {
            assertNull(got, "the end of the stream");
            return at;
        }
        assertNotNull(got, "a frame at " + at);
        assertTrue(s.length - at >= 4, "a frame from a partial header");
        long len = ByteBuffer.wrap(s, at, 4).getInt() & 0xffff_ffffL;
        assertTrue(len <= max && s.length - at - 4 >= len, "a frame the model refuses, at " + at);
        assertArrayEquals(Arrays.copyOfRange(s, at + 4, at + 4 + (int) len), got, "the frame at " + at);
        return at + 4 + (int) len;
    }

    /** Checks that {@code cause} is what the model expects of operation {@code kind} at {@code at}. */
    private static void expectFailure(byte[] s, int at, int kind, int maxLine, int maxFrame, FrameBudget budget,
                                      Throwable cause) {
        if (cause instanceof FrameBudgetExceededException) {
            assertNotNull(budget, "a budget failure without a budget");
            return; // the model cannot tell when the budget runs out; the checks after the failure still apply
        }
        Class<? extends IOException> expected = switch (kind) {
            case 0, 3 -> {
                int nl = at;
                while (nl < s.length && s[nl] != '\n') {
                    nl++;
                }
                int len = nl - at - (nl > at && s[nl - 1] == '\r' ? 1 : 0);
                yield len > maxLine ? FrameTooLongException.class : null;
            }
            case 1, 4 -> {
                if (at == s.length) {
                    yield null; // a clean end
                }
                if (s.length - at < 4) {
                    yield EOFException.class;
                }
                long len = ByteBuffer.wrap(s, at, 4).getInt() & 0xffff_ffffL;
                yield len > maxFrame ? FrameTooLongException.class
                        : s.length - at - 4 < len ? EOFException.class : null;
            }
            default -> null; // a raw read of a scripted source never fails
        };
        if (expected == null || !expected.isInstance(cause)) {
            fail("operation " + kind + " at " + at + " failed with " + cause + "; the model expects "
                    + (expected == null ? "success" : expected.getSimpleName()), cause);
        }
    }
}
