/**
 * Cortado: an asynchronous runtime built on lazy, poll-based futures.
 *
 * <p>Only the API packages are exported; {@code io.cortado.internal.*} (schedulers, task cells, queues, the
 * blocking pool) is hidden, so the compiler enforces the boundary.
 */
module io.cortado {
    // sun.misc.Signal, for io.cortado.signal: a JDK module, so the core still depends on the JDK only
    requires jdk.unsupported;
    // jdk.jfr, for io.cortado.trace.JfrSubscriber's Flight Recorder events
    requires jdk.jfr;

    exports io.cortado;
    exports io.cortado.time;
    exports io.cortado.sync;
    exports io.cortado.stream;
    exports io.cortado.io;
    exports io.cortado.net;
    exports io.cortado.fs;
    exports io.cortado.process;
    exports io.cortado.signal;
    exports io.cortado.trace;
    exports io.cortado.tls;

    // The seams of deterministic simulation, for the cortado-test module only
    exports io.cortado.internal.sim to io.cortado.test;
}
