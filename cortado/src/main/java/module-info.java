/**
 * Cortado: an asynchronous runtime built on lazy, poll-based futures.
 *
 * <p>Only the API packages are exported; {@code io.cortado.internal.*} (schedulers, task cells, queues, the
 * blocking pool) is hidden, so the compiler enforces the boundary.
 */
module io.cortado {
    exports io.cortado;
    exports io.cortado.time;
    exports io.cortado.sync;
    exports io.cortado.stream;
    exports io.cortado.io;
    exports io.cortado.net;
}
