package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.Task;
import io.cortado.sync.Mpsc;
import io.cortado.sync.Oneshot;

import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * A key-value store over a line protocol:
 * <pre>
 *   SET key value   →  OK          (the value is the rest of the line, spaces included)
 *   GET key         →  the value, or NIL
 *   DEL key         →  1 if it was there, else 0
 *   anything else   →  ERR ...
 * </pre>
 * A line longer than the server's limit gets {@code ERR line too long} and the connection is closed: the
 * {@link io.cortado.io.LinesCodec} stops buffering at the limit, so a hostile client cannot make it hold more.
 *
 * <h2>How it is built: message passing</h2>
 * No lock and no concurrent map: the map belongs to one task, the {@link KvStore}, and nobody else touches it.
 * Connections ({@link KvConnection}) send it {@link Request}s through a bounded {@link Mpsc} channel; each
 * request carries a {@link Oneshot} sender on which the store answers. The store thus sees the requests one at a
 * time, in the order they arrive, so every command is atomic without synchronisation.
 */
public final class KvServer {
    /** The default longest request line, in bytes. */
    public static final int DEFAULT_MAX_LINE = 1024;
    /** How many requests may wait for the store before senders wait (backpressure). */
    static final int INBOX = 1024;

    private KvServer() {
    }

    /** A parsed request. */
    sealed interface Command {
        /**
         * Parses one line.
         *
         * @throws IllegalArgumentException with the text to put after {@code ERR}
         */
        static Command parse(String line) {
            String[] w = line.strip().split(" +", 3);
            String op = w[0].toUpperCase(Locale.ROOT);
            return switch (op) {
                case "SET" -> w.length == 3 ? new Set(w[1], w[2]) : usage("SET key value");
                case "GET" -> w.length == 2 ? new Get(w[1]) : usage("GET key");
                case "DEL" -> w.length == 2 ? new Del(w[1]) : usage("DEL key");
                case "" -> throw new IllegalArgumentException("empty command");
                default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'");
            };
        }

        private static Command usage(String form) {
            throw new IllegalArgumentException("usage: " + form);
        }
    }

    record Set(String key, String value) implements Command {
    }

    record Get(String key) implements Command {
    }

    record Del(String key) implements Command {
    }

    /** What a connection sends the store: a command, and where to send the answer. */
    record Request(Command command, Oneshot.Sender<String> reply) {
    }

    /** Starts a key-value server with lines of at most {@value #DEFAULT_MAX_LINE} bytes. */
    public static Server start(Handle handle, InetSocketAddress address) {
        return start(handle, address, DEFAULT_MAX_LINE);
    }

    /**
     * Starts the store task and the server.
     *
     * @param maxLine the longest request line accepted, in bytes
     * @return the running server; closing it closes the store's inbox, which ends the store task
     */
    public static Server start(Handle handle, InetSocketAddress address, int maxLine) {
        Mpsc.Channel<Request> inbox = Mpsc.bounded(INBOX);
        Task.builder().name("kv store").spawnOn(handle, new KvStore(inbox.receiver()));
        Mpsc.Sender<Request> store = inbox.sender(); // thread-safe: every connection sends through it
        return Server.start(handle, "kv", address, stream -> new KvConnection(stream, store, maxLine), store);
    }

    /** @param args {@code [port]}: the loopback port to listen on; 0 or none picks a free one */
    public static void main(String[] args) {
        try (AsyncRuntime rt = AsyncRuntime.builder().build();
             Server server = start(rt.handle(), Server.loopback(args, 0))) {
            System.out.println("kv server listening on " + server.localAddress() + " (SET k v, GET k, DEL k)");
            rt.blockOn(Futures.pending()); // serve until the process is stopped (Ctrl-C)
        }
    }
}
