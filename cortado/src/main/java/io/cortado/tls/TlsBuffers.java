package io.cortado.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The buffers TLS streams hold only while bytes are in flight: a stream takes one when it needs it and gives it
 * back as soon as it is empty, so an idle connection holds none (a busy one three: encrypted in, decrypted in,
 * encrypted out). Each thread keeps a small cache of standard-size buffers; a buffer may be given back on another
 * thread than the one that took it, and one the cache has no room for is left to the garbage collector.
 *
 * <p>Thread confinement is the whole protocol: the cache is a {@link ThreadLocal}, and a buffer belongs to exactly
 * one stream (or one cache) at a time.
 */
final class TlsBuffers {
    /** Large enough for a TLS record (16 KiB of plaintext plus the largest overhead the JDK reports, 16,709). */
    static final int SIZE = 17 * 1024;
    private static final int CACHED = 32;
    private static final ThreadLocal<ArrayDeque<ByteBuffer>> CACHE = ThreadLocal.withInitial(ArrayDeque::new);

    private TlsBuffers() {
    }

    /** @return an empty buffer of at least {@code min} bytes, in write mode */
    static ByteBuffer take(int min) {
        if (min <= SIZE) {
            ByteBuffer b = CACHE.get().pollFirst();
            if (b != null) {
                return b;
            }
        }
        return ByteBuffer.allocate(Math.max(min, SIZE));
    }

    /** Gives back a buffer the caller no longer uses; returns {@code null} for the caller's field. */
    static ByteBuffer give(ByteBuffer b) {
        if (b != null && b.capacity() == SIZE) {
            ArrayDeque<ByteBuffer> cache = CACHE.get();
            if (cache.size() < CACHED) {
                cache.addFirst(b.clear());
            }
        }
        return null;
    }
}
