package io.cortado.io;

import io.cortado.Context;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * A scripted {@link AsyncRead}: each read returns the next chunk (or what of it fits), a {@code null} chunk is one
 * {@link #PENDING} (waking the waker, as a socket that becomes readable would), and after the last chunk the source
 * ends. Unlike {@code CodecTest.Script} it says Pending only where the script says so, so a test controls exactly
 * which poll sees which bytes.
 */
final class ChunkSource implements AsyncRead {
    private final ArrayDeque<Object> script = new ArrayDeque<>();
    private byte[] current;
    private int at;
    /** How many reads said Pending. */
    int pendings;

    /** @param chunks byte arrays, and {@code null} for a Pending */
    ChunkSource(List<byte[]> chunks) {
        for (byte[] c : chunks) {
            if (c == null) {
                script.add(PENDING_MARK);
            } else if (c.length > 0) { // a read returns 0 only into a full buffer
                script.add(c);
            }
        }
    }

    private static final Object PENDING_MARK = new Object();

    @Override
    public int pollRead(Context cx, ByteBuffer dst) {
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (current == null || at == current.length) {
            Object next = script.poll();
            if (next == null) {
                current = null;
                return EOF;
            }
            if (next == PENDING_MARK) {
                pendings++;
                cx.waker().wake();
                return PENDING;
            }
            current = (byte[]) next;
            at = 0;
        }
        int n = Math.min(dst.remaining(), current.length - at);
        dst.put(current, at, n);
        at += n;
        return n;
    }
}
