package io.cortado.io;

import io.cortado.internal.Checks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Lines of UTF-8 text ended by {@code \n} (a {@code \r} before it is dropped). The last line may lack its
 * {@code \n}; a {@code \r} ending it is dropped too. A line longer than the maximum fails with
 * {@link FrameTooLongException} as soon as that many bytes arrived without a newline, so a hostile peer cannot make
 * the reader buffer more; the last line of the stream is held to the same maximum.
 *
 * <p>A codec remembers how far it scanned the buffer between calls, so it decodes one reader's buffer: give each
 * reader its own (a {@link BufReader} tells it, through {@link #reset()}, when other reads took bytes meanwhile).
 */
public final class LinesCodec implements Codec<String> {
    /** The default maximum line length in bytes (64 KiB). */
    public static final int DEFAULT_MAX_LENGTH = 64 * 1024;
    private final int maxLength;
    /** Bytes at the front of the buffer already scanned for a newline (so a long line is scanned once). */
    private int scanned;

    /** Lines of at most {@value #DEFAULT_MAX_LENGTH} bytes. */
    public LinesCodec() {
        this(DEFAULT_MAX_LENGTH);
    }

    /**
     * @param maxLength the longest line accepted, in bytes without the line end; at least 1
     * @throws IllegalArgumentException if {@code maxLength} is not positive
     */
    public LinesCodec(int maxLength) {
        this.maxLength = Checks.checkPositive(maxLength, "maxLength");
    }

    @Override
    public String decode(ByteBuffer buffered) throws FrameTooLongException {
        int start = buffered.position();
        int end = buffered.limit();
        for (int i = start + scanned; i < end; i++) {
            if (buffered.get(i) == '\n') {
                int len = i - start;
                if (len > 0 && buffered.get(i - 1) == '\r') {
                    len--;
                }
                if (len > maxLength) {
                    throw tooLong();
                }
                String line = string(buffered, start, len);
                buffered.position(i + 1);
                scanned = 0;
                return line;
            }
        }
        scanned = end - start;
        if (scanned > maxLength + 1 // +1: a '\r' may still end the line
                || scanned == maxLength + 1 && buffered.get(end - 1) != '\r') {
            throw tooLong();
        }
        return null;
    }

    /**
     * The last line, which may lack its {@code \n}; a {@code \r} ending it is dropped.
     *
     * @throws FrameTooLongException if the last line is longer than the maximum, as in {@link #decode}
     */
    @Override
    public String decodeEof(ByteBuffer buffered) throws FrameTooLongException {
        String line = decode(buffered);
        if (line != null || !buffered.hasRemaining()) {
            return line;
        }
        int start = buffered.position();
        int len = buffered.remaining();
        if (buffered.get(start + len - 1) == '\r') {
            len--;
        }
        if (len > maxLength) {
            throw tooLong();
        }
        line = string(buffered, start, len);
        buffered.position(buffered.limit());
        scanned = 0;
        return line;
    }

    /** Forgets how far the buffer was scanned: the next call scans it from its position. */
    @Override
    public void reset() {
        scanned = 0;
    }

    private static String string(ByteBuffer b, int from, int len) {
        if (b.hasArray()) {
            return new String(b.array(), b.arrayOffset() + from, len, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[len];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private FrameTooLongException tooLong() {
        scanned = 0;
        return new FrameTooLongException("line longer than the maximum of " + maxLength + " bytes");
    }

    @Override
    public int maxFrameLength() {
        return maxLength + 2;
    }

    /** Encodes {@code line} and a {@code \n}. */
    @Override
    public ByteBuffer encode(String line, ByteBuffer out) {
        Objects.requireNonNull(line, "line");
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxLength) {
            throw new IllegalArgumentException("line: expected at most " + maxLength + " bytes, got " + bytes.length);
        }
        ByteBuffer o = Encoder.grow(out, bytes.length + 1);
        return o.put(bytes).put((byte) '\n');
    }
}
