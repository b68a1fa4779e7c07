package io.cortado.io;

import java.nio.ByteBuffer;

/**
 * Turns frames into bytes: the write side of a codec (Tokio's {@code Encoder}).
 *
 * @param <T> the frame type
 */
public interface Encoder<T> {

    /**
     * Appends the encoding of {@code frame} to {@code out} (in write mode).
     *
     * @param out the output buffer; if it lacks room, encode into {@link #grow(ByteBuffer, int) a larger copy}
     * @return the buffer holding the output ({@code out}, or the larger copy)
     * @throws IllegalArgumentException if {@code frame} cannot be encoded (e.g. longer than the codec allows)
     */
    ByteBuffer encode(T frame, ByteBuffer out);

    /** @return {@code out} if it has {@code room} bytes left, else a larger copy of it (write mode) */
    static ByteBuffer grow(ByteBuffer out, int room) {
        if (out.remaining() >= room) {
            return out;
        }
        int need = out.position() + room;
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(need, out.capacity() * 2));
        out.flip();
        bigger.put(out);
        return bigger;
    }
}
