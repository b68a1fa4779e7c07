package io.cortado.examples.replicated;

import io.cortado.Future;
import io.cortado.examples.net.Server;
import io.cortado.io.Framed;
import io.cortado.io.LinesCodec;
import io.cortado.net.TcpStream;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of {@link ReplicatedKv}: each call is one short connection carrying one request. The futures are lazy
 * and run on the runtime that polls them (so in a simulation, on the host that polls them).
 */
public final class KvClient {
    private KvClient() {
    }

    /**
     * Writes {@code key = value} through the primary.
     *
     * @return a future of the entry's number, complete once a majority of the group applied it
     */
    public static Future<Long> set(String host, int port, String key, String value) {
        checkKey(key);
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("value : a line end (expected: one line)");
        }
        return ask(host, port, "SET " + key + " " + value).map(answer -> {
            long seq = answer.startsWith("OK ") ? ReplicatedKv.number(answer.substring(3)) : 0;
            if (seq <= 0) {
                throw new IllegalStateException("SET " + key + " at " + host + ":" + port + ": " + answer);
            }
            return seq;
        });
    }

    /** @return a future of the value of {@code key} at that node (primary or backup), empty if it has none */
    public static Future<Optional<String>> get(String host, int port, String key) {
        checkKey(key);
        return ask(host, port, "GET " + key).map(answer -> {
            if (answer.equals("NONE")) {
                return Optional.empty();
            }
            if (answer.startsWith("VALUE ")) {
                return Optional.of(answer.substring(6));
            }
            throw new IllegalStateException("GET " + key + " at " + host + ":" + port + ": " + answer);
        });
    }

    /**
     * Connects, sends one line, reads one line, closes.
     *
     * @return a future of the answer; it fails with an {@link UncheckedIOException} if the connection fails or
     * ends before the answer
     */
    public static Future<String> ask(String host, int port, String line) {
        Objects.requireNonNull(line, "line");
        return TcpStream.connect(host, port).then(s -> {
            Framed<String, TcpStream> lines = Framed.of(s, new LinesCodec(ReplicatedKv.MAX_LINE));
            return Server.closing(lines.send(line).then(sent -> lines.next()), s);
        }).map(answer -> {
            if (answer == null) {
                throw new UncheckedIOException(new EOFException(host + ":" + port + " closed without answering"));
            }
            return answer;
        });
    }

    private static void checkKey(String key) {
        if (key.isEmpty() || key.chars().anyMatch(c -> c == ' ' || c == '\n' || c == '\r')) {
            throw new IllegalArgumentException("key : \"" + key + "\" (expected: one word)");
        }
    }
}
