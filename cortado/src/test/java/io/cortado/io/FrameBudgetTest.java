package io.cortado.io;

import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FrameBudget}: many readers, each fed by a peer that announces the largest frame its codec allows and then
 * sends it, share one budget; the bytes they hold beyond their initial buffers never exceed it.
 */
class FrameBudgetTest extends RuntimeTestBase {
    private static final int PEERS = 30;
    private static final int CHUNK = 64 * 1024;
    private static final int MAX = LengthDelimitedCodec.DEFAULT_MAX_FRAME_LENGTH;

    /** A peer that sends a header announcing {@code length} bytes, then them, CHUNK bytes per readable event. */
    static final class HugeFramePeer implements AsyncRead {
        private final int length;
        private long sent = -4; // the header first
        private boolean pendingNext = true;

        HugeFramePeer(int length) {
            this.length = length;
        }

        @Override
        public int pollRead(Context cx, ByteBuffer dst) {
            if (sent == length) {
                return EOF;
            }
            if (pendingNext) { // one chunk per poll, as from a socket
                pendingNext = false;
                cx.waker().wake();
                return PENDING;
            }
            pendingNext = true;
            int n = 0;
            for (; sent < 0 && dst.hasRemaining(); sent++, n++) {
                dst.put((byte) (length >>> (8 * (int) -(sent + 1))));
            }
            int body = (int) Math.min(Math.min(dst.remaining(), CHUNK - n), length - sent);
            dst.position(dst.position() + body); // zeros: the buffer is freshly allocated or compacted garbage
            sent += body;
            return n + body;
        }
    }

    @Test
    void peersAnnouncingTheMaximumFrameCannotTogetherTakeMoreThanTheBudget() {
        FrameBudget budget = new FrameBudget(3L * MAX);
        List<BufReader> readers = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            readers.add(new BufReader(new HugeFramePeer(MAX), BufReader.DEFAULT_CAPACITY, budget));
        }
        LengthDelimitedCodec[] codecs = new LengthDelimitedCodec[PEERS];
        Object[] outcome = new Object[PEERS];
        Context cx = Context.of(new TestWaker());
        long peakReserved = 0;
        long peakHeld = 0;
        for (int done = 0; done < PEERS; ) {
            for (int i = 0; i < PEERS; i++) { // round robin, as a runtime with 30 connection tasks would
                if (outcome[i] != null) {
                    continue;
                }
                if (codecs[i] == null) {
                    codecs[i] = new LengthDelimitedCodec();
                }
                try {
                    Poll<byte[]> p = readers.get(i).pollFrame(cx, codecs[i]);
                    if (p.isReady()) {
                        outcome[i] = p.value().length;
                        done++;
                    }
                } catch (UncheckedIOException e) {
                    outcome[i] = e.getCause();
                    done++;
                }
                peakReserved = Math.max(peakReserved, budget.reserved());
                long held = 0;
                for (BufReader r : readers) {
                    held += r.capacity() - BufReader.DEFAULT_CAPACITY;
                }
                peakHeld = Math.max(peakHeld, held);
                assertEquals(held, budget.reserved(), "the budget counts exactly the readers' growth");
            }
        }
        int completed = 0;
        int refused = 0;
        for (Object o : outcome) {
            if (o instanceof Integer len) {
                assertEquals(MAX, len);
                completed++;
            } else {
                assertInstanceOf(FrameBudgetExceededException.class, o, String.valueOf(o));
                refused++;
            }
        }
        assertTrue(peakHeld <= budget.maxBytes(), "buffers beyond the initial ones: " + peakHeld);
        assertTrue(peakReserved > 2L * MAX, "the budget was really used: " + peakReserved);
        assertTrue(completed >= 1 && refused >= 1, completed + " completed, " + refused + " refused");
        assertEquals(0, budget.reserved(), "every reader gave its share back");
        for (BufReader r : readers) {
            assertEquals(BufReader.DEFAULT_CAPACITY, r.capacity());
        }
    }

    @Test
    void aReaderGivenUpInMidFrameReturnsItsShareWhenReleasedOrCollected() {
        FrameBudget budget = new FrameBudget(MAX);
        Context cx = Context.of(new TestWaker());
        BufReader r = new BufReader(new HugeFramePeer(1 << 20), 1024, budget);
        LengthDelimitedCodec codec = new LengthDelimitedCodec();
        for (int i = 0; i < 20; i++) {
            assertTrue(!r.pollFrame(cx, codec).isReady());
        }
        assertTrue(budget.reserved() > 0, "a partial frame of 640 KiB is held");
        assertEquals(r.capacity() - 1024, budget.reserved());
        r.release();
        assertEquals(0, budget.reserved());
        assertEquals(0, r.buffered());

        abandonInMidFrame(budget, cx);
        assertTrue(budget.reserved() > 0);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (budget.reserved() != 0 && System.nanoTime() < deadline) {
            System.gc(); // the lease of an unreachable reader is enqueued by the GC and expunged by reserved()
        }
        assertEquals(0, budget.reserved(), "a collected reader's share came back");
    }

    private static void abandonInMidFrame(FrameBudget budget, Context cx) {
        BufReader dropped = new BufReader(new HugeFramePeer(1 << 20), 1024, budget);
        for (int i = 0; i < 20; i++) {
            dropped.pollFrame(cx, new LengthDelimitedCodec());
        }
    }

    @Test
    void aFailedFrameReturnsTheShareAndTheRefusalSaysWhy() {
        FrameBudget budget = new FrameBudget(100_000);
        BufReader r = new BufReader(new HugeFramePeer(1 << 20), 1024, budget);
        Context cx = Context.of(new TestWaker());
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> {
            for (; ; ) {
                r.pollFrame(cx, new LengthDelimitedCodec());
            }
        });
        FrameBudgetExceededException refusal = assertInstanceOf(FrameBudgetExceededException.class, e.getCause());
        assertNotNull(refusal.getMessage());
        assertTrue(refusal.getMessage().contains("frame budget of 100000 bytes"), refusal.getMessage());
        assertEquals(0, budget.reserved());
        assertEquals(0, r.buffered(), "the failed frame's bytes were dropped");
        assertThrows(IllegalArgumentException.class, () -> new FrameBudget(0));
    }
}
