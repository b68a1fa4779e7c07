package io.cortado.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Cuts frames out of buffered bytes: the read side of a codec (Tokio's {@code Decoder}).
 *
 * @param <T> the frame type
 */
public interface Decoder<T> {

    /**
     * Takes one frame from the front of {@code buffered} (advancing its position past it), if a whole frame is there.
     *
     * @param buffered the bytes received and not yet decoded, in read mode; consume only what a returned frame used
     * @return the frame, or {@code null} if more bytes are needed
     * @throws IOException if the bytes are not a valid frame (e.g. {@link FrameTooLongException})
     */
    T decode(ByteBuffer buffered) throws IOException;

    /**
     * Called when the source ended: the last chance to return a frame from what is left.
     *
     * @return a last frame, or {@code null} if nothing is left
     * @throws IOException by default an {@link EOFException} if bytes of an incomplete frame are left
     */
    default T decodeEof(ByteBuffer buffered) throws IOException {
        T frame = decode(buffered);
        if (frame == null && buffered.hasRemaining()) {
            throw new EOFException("the stream ended in the middle of a frame (" + buffered.remaining()
                    + " bytes of it received)");
        }
        return frame;
    }

    /** @return the most bytes one frame may take in the buffer; the reader refuses to buffer more for one frame */
    int maxFrameLength();

    /**
     * Forgets whatever this decoder remembered about the buffer between calls (how far it already scanned, a header
     * it parsed). A {@link BufReader} calls it before a decode when bytes left its buffer by other means since this
     * decoder's last call: a raw read, or another decoder. A decoder that keeps no such state need not override it.
     */
    default void reset() {
    }
}
