package io.cortado.io;

import io.cortado.internal.Checks;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Frames of bytes, each preceded by its length as a 4-byte big-endian unsigned integer. A header announcing more
 * than the maximum fails with {@link FrameTooLongException} at once, before any of the frame is buffered.
 */
public final class LengthDelimitedCodec implements Codec<byte[]> {
    /** The default maximum frame length (8 MiB), as Tokio's. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 8 * 1024 * 1024;
    private static final int HEADER = 4;
    private final int maxFrameLength;

    /** Frames of at most {@value #DEFAULT_MAX_FRAME_LENGTH} bytes. */
    public LengthDelimitedCodec() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * @param maxFrameLength the longest frame accepted, in bytes without the header; in [0, 2^31 - 5]
     * @throws IllegalArgumentException if out of range
     */
    public LengthDelimitedCodec(int maxFrameLength) {
        this.maxFrameLength = Checks.checkInRange(maxFrameLength, 0, Integer.MAX_VALUE - HEADER, "maxFrameLength");
    }

    @Override
    public byte[] decode(ByteBuffer buffered) throws FrameTooLongException {
        if (buffered.remaining() < HEADER) {
            return null;
        }
        int at = buffered.position();
        long len = Integer.toUnsignedLong(buffered.getInt(at));
        if (len > maxFrameLength) {
            throw new FrameTooLongException("frame of " + len + " bytes announced; the maximum is " + maxFrameLength);
        }
        if (buffered.remaining() - HEADER < len) {
            return null;
        }
        byte[] frame = new byte[(int) len];
        buffered.get(at + HEADER, frame);
        buffered.position(at + HEADER + (int) len);
        return frame;
    }

    @Override
    public int maxFrameLength() {
        return maxFrameLength + HEADER;
    }

    @Override
    public ByteBuffer encode(byte[] frame, ByteBuffer out) {
        Objects.requireNonNull(frame, "frame");
        if (frame.length > maxFrameLength) {
            throw new IllegalArgumentException("frame: expected at most " + maxFrameLength + " bytes, got "
                    + frame.length);
        }
        ByteBuffer o = Encoder.grow(out, HEADER + frame.length);
        return o.putInt(frame.length).put(frame);
    }
}
