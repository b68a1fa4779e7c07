package io.cortado.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes WebSocket frames (RFC 6455 5) from a connection's {@link Wire} into messages and control frames, as
 * the bytes arrive: a frame's payload is unmasked and copied out as it comes, so a frame need not fit the input
 * buffer, and fragmented messages are reassembled.
 *
 * <p>Rules (each failure is a {@link WebSocketException} with its close code, after which the decoder is not
 * used again):
 * <ol>
 *   <li>Reserved bits set, an unknown opcode, a control frame fragmented or longer than 125 bytes, a
 *       continuation without a message to continue, a new data frame inside a fragmented message, a 64-bit length
 *       with its top bit set, a client frame without a mask: 1002.</li>
 *   <li>A message (the sum of its fragments) longer than the maximum: 1009, decided from the frame header before
 *       any of the payload is buffered.</li>
 *   <li>A text message, or a Close reason, that is not UTF-8: 1007. A Close payload of one byte or with a code
 *       that may not be sent (RFC 6455 7.4): 1002.</li>
 * </ol>
 * Not thread-safe. Guarded by {@code WebSocketFrameFuzzTest} (every chunking gives the same frames, only the
 * documented exception) and {@code WebSocketTest} (hostile frames over a socket).
 */
final class FrameDecoder {
    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    /** A complete message or control frame. */
    record Frame(int opcode, byte[] payload) {
    }

    private final long maxMessage;
    private final boolean requireMask;

    private boolean inFrame;
    private int opcode;
    private boolean fin;
    private long left;
    private boolean masked;
    private final byte[] mask = new byte[4];
    private int maskAt;

    /** The opcode of the fragmented message being reassembled, or 0. */
    private int messageOpcode;
    private byte[] message = new byte[64];
    private int messageLength;
    private final byte[] control = new byte[125];
    private int controlLength;

    /**
     * @param maxMessage  the longest message, in bytes
     * @param requireMask whether frames must be masked (a server's decoder) or must not be (a client's)
     */
    FrameDecoder(long maxMessage, boolean requireMask) {
        this.maxMessage = maxMessage;
        this.requireMask = requireMask;
    }

    /**
     * Decodes what the wire's buffer holds.
     *
     * @return the next message or control frame, or {@code null} when more bytes are needed (all buffered bytes
     * have then been consumed, or fewer than a frame header are left)
     * @throws WebSocketException if the peer broke the protocol (see the class comment for the codes)
     */
    Frame next(Wire w) {
        for (; ; ) {
            if (!inFrame && !readHeader(w)) {
                return null;
            }
            boolean isControl = opcode >= CLOSE;
            int n = (int) Math.min(left, w.available());
            if (n > 0) {
                byte[] to;
                int at;
                if (isControl) {
                    to = control;
                    at = controlLength;
                    controlLength += n;
                } else {
                    if (messageLength + n > message.length) {
                        message = Arrays.copyOf(message, Math.max(messageLength + n, message.length * 2));
                    }
                    to = message;
                    at = messageLength;
                    messageLength += n;
                }
                byte[] buf = w.buf;
                int from = w.start;
                if (masked) {
                    for (int i = 0; i < n; i++) {
                        to[at + i] = (byte) (buf[from + i] ^ mask[maskAt++ & 3]);
                    }
                } else {
                    System.arraycopy(buf, from, to, at, n);
                }
                w.start += n;
                left -= n;
            }
            if (left > 0) {
                return null;
            }
            inFrame = false;
            if (isControl) {
                byte[] payload = Arrays.copyOf(control, controlLength);
                controlLength = 0;
                if (opcode == CLOSE) {
                    checkClose(payload);
                }
                return new Frame(opcode, payload);
            }
            if (fin) {
                byte[] payload = Arrays.copyOf(message, messageLength);
                int op = messageOpcode;
                messageOpcode = 0;
                messageLength = 0;
                if (message.length > 64 * 1024) {
                    message = new byte[64]; // do not keep a large message's buffer for an idle connection
                }
                if (op == TEXT && !isUtf8(payload, 0, payload.length)) {
                    throw new WebSocketException(1007, "a text message that is not UTF-8");
                }
                return new Frame(op, payload);
            }
        }
    }

    /** @return true when a whole header was read (and consumed), false when more bytes are needed */
    private boolean readHeader(Wire w) {
        int avail = w.available();
        if (avail < 2) {
            return false;
        }
        byte[] buf = w.buf;
        int at = w.start;
        int b0 = buf[at] & 0xff;
        int b1 = buf[at + 1] & 0xff;
        boolean isMasked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7f;
        int headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (isMasked ? 4 : 0);
        if (avail < headerLength) {
            return false;
        }
        if ((b0 & 0x70) != 0) {
            throw new WebSocketException(1002, "reserved bits set without an extension");
        }
        int op = b0 & 0x0f;
        boolean isFin = (b0 & 0x80) != 0;
        if (op > BINARY && op < CLOSE || op > PONG) {
            throw new WebSocketException(1002, "unknown opcode " + op);
        }
        if (isMasked != requireMask) {
            throw new WebSocketException(1002, requireMask ? "an unmasked client frame" : "a masked server frame");
        }
        long len;
        int p = at + 2;
        if (len7 == 126) {
            len = ((buf[p] & 0xff) << 8) | (buf[p + 1] & 0xff);
            p += 2;
        } else if (len7 == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | (buf[p + i] & 0xff);
            }
            p += 8;
            if (len < 0) {
                throw new WebSocketException(1002, "a frame length with its top bit set");
            }
        } else {
            len = len7;
        }
        if (op >= CLOSE) {
            if (!isFin) {
                throw new WebSocketException(1002, "a fragmented control frame");
            }
            if (len > 125) {
                throw new WebSocketException(1002, "a control frame longer than 125 bytes");
            }
        } else if (op == CONTINUATION) {
            if (messageOpcode == 0) {
                throw new WebSocketException(1002, "a continuation frame without a message to continue");
            }
        } else {
            if (messageOpcode != 0) {
                throw new WebSocketException(1002, "a new message inside a fragmented one");
            }
        }
        if (op < CLOSE && len > maxMessage - messageLength) {
            throw new WebSocketException(1009, "a message longer than " + maxMessage + " bytes");
        }
        if (isMasked) {
            System.arraycopy(buf, p, mask, 0, 4);
            maskAt = 0;
        }
        if (op == TEXT || op == BINARY) {
            messageOpcode = op;
        }
        w.start = at + headerLength;
        opcode = op;
        fin = isFin;
        masked = isMasked;
        left = len;
        inFrame = true;
        return true;
    }

    private static void checkClose(byte[] p) {
        if (p.length == 0) {
            return;
        }
        if (p.length == 1) {
            throw new WebSocketException(1002, "a Close payload of one byte");
        }
        int code = ((p[0] & 0xff) << 8) | (p[1] & 0xff);
        if (!validCloseCode(code)) {
            throw new WebSocketException(1002, "a Close code that may not be sent: " + code);
        }
        if (!isUtf8(p, 2, p.length - 2)) {
            throw new WebSocketException(1007, "a Close reason that is not UTF-8");
        }
    }

    /** @return whether an endpoint may send {@code code} in a Close frame (RFC 6455 7.4, IANA registry) */
    static boolean validCloseCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    static boolean isUtf8(byte[] b, int from, int length) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, from, length));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
