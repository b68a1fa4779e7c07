package io.cortado.http;

import java.time.Duration;

/**
 * The limits a client cannot exceed, as set on {@link HttpServer.Builder} (which documents each one and its
 * default).
 */
record Limits(int maxRequestLine, int maxHeaderBytes, int maxHeaders, long maxBody, Duration headerTimeout,
              Duration idleTimeout, long maxRequestsPerConnection, int maxConnections) {

    static final Limits DEFAULTS = new Limits(8 * 1024, 16 * 1024, 100, 10L * 1024 * 1024,
            Duration.ofSeconds(10), Duration.ofSeconds(60), 100_000, 10_000);

    /** The longest chunk-size line (size and extensions) of a chunked body. */
    static final int MAX_CHUNK_LINE = 4096;

    /** @return the largest input buffer a connection may need: a whole head or chunk-size line must fit */
    int maxBuffer() {
        return Math.max(Math.max(maxHeaderBytes, maxRequestLine), MAX_CHUNK_LINE) + 2;
    }
}
