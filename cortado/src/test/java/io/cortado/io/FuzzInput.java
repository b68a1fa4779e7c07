package io.cortado.io;

import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.testing.TestWaker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Reads a fuzz test's raw input as a few parameter bytes, then chunk boundaries, then the bytes of the stream. The
 * layout is plain so that a corpus file can be written by hand: each parameter is one byte; the chunking is a count
 * byte {@code k} (taken modulo 16) and {@code k} bytes, each one chunk whose length is {@code (b & 0x3f) + 1} and
 * which is preceded by a Pending if {@code b & 0x40}; whatever the chunks leave of the stream is its last chunk.
 * Missing bytes read as 0, so every input is valid.
 */
final class FuzzInput {
    private final byte[] data;
    private int at;

    FuzzInput(byte[] data) {
        this.data = data;
    }

    /** @return the next byte, 0..255, or 0 past the end */
    int u8() {
        return at < data.length ? data[at++] & 0xff : 0;
    }

    /** @return the chunk script (see the class comment) and the stream's bytes, for a {@link ChunkSource} */
    Script script() {
        int cuts = u8() % 16;
        int[] spec = new int[cuts];
        for (int i = 0; i < cuts; i++) {
            spec[i] = u8();
        }
        byte[] stream = at < data.length ? Arrays.copyOfRange(data, at, data.length) : new byte[0];
        at = data.length;
        List<byte[]> chunks = new ArrayList<>();
        int from = 0;
        for (int s : spec) {
            if (from == stream.length) {
                break;
            }
            if ((s & 0x40) != 0) {
                chunks.add(null);
            }
            int to = Math.min(stream.length, from + (s & 0x3f) + 1);
            chunks.add(Arrays.copyOfRange(stream, from, to));
            from = to;
        }
        chunks.add(null);
        chunks.add(Arrays.copyOfRange(stream, from, stream.length));
        return new Script(stream, chunks);
    }

    /** The bytes of the stream, and the same cut into chunks with Pendings ({@code null}) between some. */
    record Script(byte[] stream, List<byte[]> chunks) {
        ChunkSource source() {
            return new ChunkSource(chunks);
        }
    }

    /** Polls until ready; a {@link ChunkSource} runs out of Pendings, so this ends. */
    static <T> T poll(Supplier<Poll<T>> poll) {
        for (int i = 0; i < 1_000_000; i++) {
            Poll<T> p = poll.get();
            if (p.isReady()) {
                return p.value();
            }
        }
        throw new AssertionError("no progress in a million polls");
    }

    /** @return a context whose waker is never used (the sources wake it at once) */
    static Context context() {
        return Context.of(new TestWaker());
    }
}
