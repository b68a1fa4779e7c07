package io.cortado.examples.replicated;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.net.TcpListener;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A replicated key-value service: one fixed primary and N backups, primary–backup replication over a line
 * protocol, one TCP port per node. The nodes are plain futures ({@link #primary}, {@link #backup}), so the same
 * code runs on an ordinary runtime over real sockets and under {@code io.cortado.test.Simulation}, where its tests
 * partition, crash and jitter it.
 *
 * <h2>Protocol</h2>
 * One request line, one answer line; a connection may carry any number of requests, one after the other.
 * <pre>
 *   client → primary   SET key value        →  OK seq     once a majority of the group has applied entry seq
 *   client → any node  GET key              →  VALUE v    or NONE, from that node's own state
 *   primary → backup   REPL seq key value   →  ACK seq    applied now (seq = applied + 1) or before (seq ≤ applied)
 *                                           →  NEED n     a gap: the backup has applied n - 1 entries only
 *   anything else                           →  ERR ...
 * </pre>
 * A key is one word; a value is the rest of the line (spaces included).
 *
 * <h2>Primary</h2>
 * A {@code SET} appends entry {@code seq} (1, 2, ...) to the primary's log and applies it to the primary's map at
 * once, under one lock ({@link PrimaryLog}); the connection then waits until the entry is <i>committed</i>: applied
 * by a majority of the group of 1 + N nodes, that is by the primary and by ⌈N/2⌉ backups (with two backups: the
 * primary and one backup). Only then does the client get {@code OK seq}. A {@code SET} waits as long as it takes:
 * with no majority reachable it waits until one is (a client that cannot wait puts a timeout on it).
 *
 * <p>One {@link Replicator} per backup streams the log to it, one entry at a time: send {@code REPL}, wait for the
 * answer, go on with the next entry, or — on {@code NEED n} — go back to entry n on the same connection. The
 * replicator remembers how far the backup got; a backup that crashed and restarted empty answers the next
 * {@code REPL} with {@code NEED 1} and is sent the whole log. Any connection trouble (refused, reset, a connect or
 * an answer that takes too long, as across a partition or to a crashed host) closes the connection; the replicator
 * sleeps (exponential back-off, 50 ms doubling to 1 s) and connects again, forever, so a backup cut off by a
 * partition converges once it heals.
 *
 * <h2>Backup</h2>
 * A backup ({@link BackupState}) applies entry {@code seq} only if it is the next one ({@code applied + 1}), so its
 * map is always a prefix of the primary's log, whatever connections the entries came on (a reconnect can leave an
 * old connection's entries in flight next to the new one's). It keeps its state in memory only: a crash loses it.
 *
 * <h2>What {@code OK} promises</h2>
 * When a client reads {@code OK seq}, the primary and a majority of the group have applied the write, so a read
 * from the primary sees it (the primary applied it first). A read from a backup may not: the backups that made the
 * majority may be other backups. Reading one's own writes from <i>any</i> replica is therefore wrong, and the
 * example's simulation tests plant exactly that mistake to show the seed sweep finding it.
 *
 * <h2>Threads</h2>
 * Each node's state is one object with {@code synchronized} methods that never wait; waiting happens outside the
 * lock, on {@link io.cortado.sync.Watch} channels the methods update under it. So the nodes run on a multi-thread
 * runtime as they do in the one-thread simulation, and nothing here draws randomness or reads the wall clock, so
 * under the simulation every run of a seed is the same run.
 */
public final class ReplicatedKv {
    /** The longest line a node accepts, in bytes. */
    public static final int MAX_LINE = 4096;

    private ReplicatedKv() {
    }

    /**
     * A primary listening on {@code port} of every local address (bound at the first poll, on the runtime that
     * polls it).
     *
     * @param backups the backups' addresses, each {@code host:port}
     * @return the node: a future that serves until it is cancelled (or fails if the port cannot be bound)
     */
    public static Future<Void> primary(int port, List<String> backups) {
        List<InetSocketAddress> to = addresses(backups);
        return Futures.lazy(() -> TcpListener.bind(new InetSocketAddress(port))).then(l -> primary(l, to));
    }

    /**
     * A primary serving on an already bound listener (how a test learns the port of a listener bound to port 0).
     *
     * @param backups the backups' addresses (unresolved ones are resolved at each connect)
     * @return the node; cancelling it closes the listener, its connections and its replication connections
     */
    public static Future<Void> primary(TcpListener listener, List<InetSocketAddress> backups) {
        PrimaryLog log = new PrimaryLog(backups.size());
        List<Future<Void>> parts = new ArrayList<>();
        parts.add(new Acceptor(listener, stream -> new NodeConnection(stream, line -> answerAsPrimary(log, line))));
        for (int i = 0; i < backups.size(); i++) {
            parts.add(new Replicator(log, i, backups.get(i)));
        }
        return Futures.joinAll(parts).map(done -> null); // one task: the accept loop and the replicators, joined
    }

    /** A backup listening on {@code port} of every local address (bound at the first poll). */
    public static Future<Void> backup(int port) {
        return Futures.lazy(() -> TcpListener.bind(new InetSocketAddress(port))).then(ReplicatedKv::backup);
    }

    /** A backup serving on an already bound listener; cancelling it closes the listener and its connections. */
    public static Future<Void> backup(TcpListener listener) {
        BackupState state = new BackupState();
        return new Acceptor(listener, stream -> new NodeConnection(stream, line -> answerAsBackup(state, line)));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Requests

    /** A parsed request line. */
    sealed interface Request {
        /** @throws IllegalArgumentException with the text to put after {@code ERR} */
        static Request parse(String line) {
            String[] w = line.split(" ", 2);
            String rest = w.length == 2 ? w[1] : "";
            return switch (w[0]) {
                case "SET" -> {
                    String[] kv = rest.split(" ", 2);
                    yield kv.length == 2 && !kv[0].isEmpty() ? new Set(kv[0], kv[1]) : usage("SET key value");
                }
                case "GET" -> !rest.isEmpty() && !rest.contains(" ") ? new Get(rest) : usage("GET key");
                case "REPL" -> {
                    String[] skv = rest.split(" ", 3);
                    long seq = skv.length == 3 && !skv[1].isEmpty() ? number(skv[0]) : 0;
                    yield seq > 0 ? new Repl(seq, skv[1], skv[2]) : usage("REPL seq key value");
                }
                default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'");
            };
        }

        private static Request usage(String form) {
            throw new IllegalArgumentException("usage: " + form);
        }
    }

    record Set(String key, String value) implements Request {
    }

    record Get(String key) implements Request {
    }

    record Repl(long seq, String key, String value) implements Request {
    }

    /** @return the number, or 0 if {@code s} is not a positive decimal number */
    static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Future<String> answerAsPrimary(PrimaryLog log, String line) {
        Request r;
        try {
            r = Request.parse(line);
        } catch (IllegalArgumentException e) {
            return Futures.ready("ERR " + e.getMessage());
        }
        return switch (r) {
            case Set s -> {
                long seq = log.append(s.key(), s.value());        // applied here at once ...
                yield log.committed(seq).map(v -> "OK " + seq);  // ... acknowledged once a majority applied it
            }
            case Get g -> Futures.ready(valueAnswer(log.get(g.key())));
            case Repl p -> Futures.ready("ERR this node is the primary");
        };
    }

    static Future<String> answerAsBackup(BackupState state, String line) {
        Request r;
        try {
            r = Request.parse(line);
        } catch (IllegalArgumentException e) {
            return Futures.ready("ERR " + e.getMessage());
        }
        return Futures.ready(switch (r) {
            case Repl p -> state.replicate(p.seq(), p.key(), p.value());
            case Get g -> valueAnswer(state.get(g.key()));
            case Set s -> "ERR this node is a backup: send SET to the primary";
        });
    }

    private static String valueAnswer(Optional<String> value) {
        return value.map(v -> "VALUE " + v).orElse("NONE");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    /** @return {@code host:port} strings as unresolved addresses (resolved at each connect) */
    static List<InetSocketAddress> addresses(List<String> hostPorts) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String hp : hostPorts) {
            int colon = hp.lastIndexOf(':');
            int port = colon > 0 ? (int) number(hp.substring(colon + 1)) : 0;
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("backup : \"" + hp + "\" (expected: host:port)");
            }
            out.add(InetSocketAddress.createUnresolved(hp.substring(0, colon), port));
        }
        return out;
    }

    /**
     * Runs one node on an ordinary runtime until the process is stopped.
     *
     * @param args {@code primary PORT [HOST:PORT ...]} (the backups) or {@code backup PORT}
     */
    public static void main(String[] args) {
        if (args.length < 2 || !(args[0].equals("primary") || args[0].equals("backup"))) {
            System.err.println("usage: ReplicatedKv primary PORT [BACKUP_HOST:PORT ...] | backup PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        Future<Void> node = args[0].equals("primary")
                ? primary(port, List.of(args).subList(2, args.length))
                : backup(port);
        try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
            System.out.println(args[0] + " on port " + port + " (GET key; SET key value at the primary)");
            rt.blockOn(node);
        }
    }
}
