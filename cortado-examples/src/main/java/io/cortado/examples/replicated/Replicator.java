package io.cortado.examples.replicated;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.io.Framed;
import io.cortado.io.LinesCodec;
import io.cortado.net.TcpStream;
import io.cortado.time.Sleep;
import io.cortado.time.TimeoutException;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.time.Duration;

/**
 * Streams the primary's log to one backup (see {@link ReplicatedKv}), forever. A hand-written loop over one
 * {@link #step} at a time; what the loop knows between steps is in three fields:
 * <ul>
 *   <li>{@link #lines}: the connection to the backup, or {@code null};</li>
 *   <li>{@link #next}: the next entry to send, which survives reconnects (a backup that restarted empty says
 *       {@code NEED 1} and is sent everything again);</li>
 *   <li>{@link #backoff}: how long to sleep after the next failure.</li>
 * </ul>
 * Each step is one of:
 * <pre>
 *   not connected           →  connect (time limit {@value #CONNECT_TIMEOUT_MS} ms)
 *   entry next not there    →  wait until the log has it
 *   otherwise               →  send REPL next, read the answer (time limit {@value #REPLY_TIMEOUT_MS} ms):
 *                                ACK s  → the backup has entries 1..s: tell the log, next = s + 1
 *                                NEED n → next = n (resend from there, on this connection)
 *   a step failed (I/O error, time limit, end of stream, a bad answer)
 *                           →  close the connection, sleep the back-off (doubled each time, to at most 1 s;
 *                              back to {@value #MIN_BACKOFF_MS} ms after an answer), then connect again
 * </pre>
 * One entry at a time (stop and wait) keeps the answers matched to the requests without numbering them; a real
 * system would send several entries before waiting.
 */
final class Replicator implements Future<Void> {
    static final long CONNECT_TIMEOUT_MS = 500;
    static final long REPLY_TIMEOUT_MS = 1000;
    static final long MIN_BACKOFF_MS = 50;
    static final long MAX_BACKOFF_MS = 1000;

    private final PrimaryLog log;
    private final int index;
    private final InetSocketAddress backup;
    private TcpStream stream;
    private Framed<String, TcpStream> lines;
    private long next = 1;
    private long backoff = MIN_BACKOFF_MS;
    private Future<Void> step;

    /** @param index the backup's number in the primary's list */
    Replicator(PrimaryLog log, int index, InetSocketAddress backup) {
        this.log = log;
        this.index = index;
        this.backup = backup;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        for (; ; ) {
            if (step == null) {
                step = nextStep();
            }
            try {
                if (!step.poll(cx).isReady()) {
                    return Poll.pending();
                }
                step = null;
            } catch (UncheckedIOException | TimeoutException e) { // connection trouble: start over
                disconnect();
                step = Sleep.sleep(Duration.ofMillis(backoff));
                backoff = Math.min(2 * backoff, MAX_BACKOFF_MS);
            }
        }
    }

    private Future<Void> nextStep() {
        if (lines == null) {
            Future<TcpStream> connect = backup.isUnresolved()
                    ? TcpStream.connect(backup.getHostString(), backup.getPort()) // name looked up at each connect
                    : TcpStream.connect(backup);
            return connect.timeout(Duration.ofMillis(CONNECT_TIMEOUT_MS)).map(s -> {
                stream = s;
                lines = Framed.of(s, new LinesCodec(ReplicatedKv.MAX_LINE));
                return null;
            });
        }
        if (next > log.lastSeq()) {
            return log.appended(next);
        }
        PrimaryLog.Entry e = log.entry(next);
        Framed<String, TcpStream> to = lines;
        return to.send("REPL " + e.seq() + " " + e.key() + " " + e.value())
                .then(sent -> to.next().timeout(Duration.ofMillis(REPLY_TIMEOUT_MS)))
                .map(answer -> {
                    onAnswer(e.seq(), answer);
                    return null;
                });
    }

    private void onAnswer(long sent, String answer) {
        if (answer == null) {
            throw new UncheckedIOException(new EOFException("backup " + backup + " closed the connection"));
        }
        String[] w = answer.split(" ");
        long n = w.length == 2 ? ReplicatedKv.number(w[1]) : 0;
        if (w[0].equals("ACK") && n == sent) {
            log.acknowledged(index, n);
            next = n + 1;
        } else if (w[0].equals("NEED") && n >= 1 && n < sent) {
            next = n;
        } else {
            throw new UncheckedIOException(new ProtocolException("backup " + backup + " answered '" + answer
                    + "' to REPL " + sent));
        }
        backoff = MIN_BACKOFF_MS; // the backup answers: the next failure is a new one
    }

    private void disconnect() {
        if (stream != null) {
            stream.close();
            stream = null;
            lines = null;
        }
    }

    /** The primary stops: abandon the step in flight and close the connection. */
    @Override
    public void cancel() {
        if (step != null) {
            step.cancel();
            step = null;
        }
        disconnect();
    }

    @Override
    public String toString() {
        return "Replicator[" + backup + ", next " + next + (lines == null ? ", not connected" : "") + "]";
    }
}
