package io.cortado.bench.echo;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The W9 / W9b load generator of {@code ../shared/WORKLOADS.md}: one thread, non-blocking {@code java.nio}, a fixed
 * set of connections to an {@link EchoServer}.
 *
 * <pre>
 *   java -cp benchmarks.jar io.cortado.bench.echo.EchoLoad &lt;closed|open&gt; &lt;port&gt; [--key=value ...]
 * </pre>
 * <ul>
 *   <li>{@code closed} (W9, tcp_echo): every connection sends one message, waits for its whole echo, sends the next.
 *       Reports round trips a second and the latency (echo arrival − send).</li>
 *   <li>{@code open} (W9b, echo_cpu): message {@code k} is due at {@code t0 + k / rate} on connection
 *       {@code k % conns} and is written when due even if earlier echoes on that connection are still outstanding
 *       (each connection queues its unsent bytes). Latency is echo arrival − <em>scheduled</em> send time, so a
 *       stalled server (or generator) is charged for every message it delays. Reports the server's CPU time per round
 *       trip: utime + stime of {@code --server-pid} from {@code /proc/PID/stat} at the start and the end of the
 *       measured window, divided by the echoes that arrived in it. Also reports how well the generator kept its
 *       schedule (achieved rate, lateness of the sends).</li>
 * </ul>
 * Options: {@code --conns=100 --size=64 --warmup=S (closed 1, open 5) --seconds=10 --rate=60000 (open)
 * --server-pid=PID --impl=NAME (a label for the output) --host=127.0.0.1 --drain=2 (open: seconds to wait for the
 * last echoes) --poll=busy|block (closed only; open always busy-polls) --tls=DIR}.
 *
 * <p>{@code --tls=DIR} (W12, {@code tls_echo}): every connection is TLS 1.3 with {@code TLS_AES_128_GCM_SHA256},
 * trusting only the certificate {@link BenchTls} wrote in {@code DIR}; the handshakes are done (one connection after
 * the other) before the warm-up starts, and each connection's bytes go through its own JDK {@code SSLEngine} on the
 * generator's one thread ({@link TlsConn}): the same loop, schedule and checks as plain TCP, with encryption added.
 * The workloads are then reported as {@code tls_echo} and {@code tls_echo_cpu}.
 *
 * <p>A message is {@code size} bytes: its number {@code k} (a long; {@code k % conns} is its connection) and its
 * reference time (a long, ns after {@code t0}: the scheduled time in open mode, the actual send time in closed mode);
 * the rest is padding. Echoes are checked: each connection must return its messages in order.
 *
 * <p>Output: one JSON line per metric ({@code {"peer":...,"workload":...,"metric":...,"value":...}}), then a
 * {@code SUMMARY key=value ...} line for scripts.
 */
public final class EchoLoad {
    /** {@code -Ddebug=true}: print every stall of the generator's loop longer than 0.5 ms in the window. */
    private static final boolean DEBUG = Boolean.getBoolean("debug");
    private final boolean open;
    private final int conns;
    private final int size;
    private final long warmupNs;
    private final long measureNs;
    private final double rate;
    private final long drainNs;
    private final boolean busy;
    private final int serverPid;
    private final String impl;
    private final boolean tls;

    private final Selector selector;
    /** The selection action, made once: a method reference written in the loop would allocate at every poll. */
    private final java.util.function.Consumer<SelectionKey> onReadable = this::onReadable;
    private final Conn[] all;
    private final int[] dirty;
    private int dirtyCount;

    private long t0;
    private long tStart;
    private long tEnd;
    /** Closed mode: false once the window has ended (no more sends). */
    private boolean sending = true;
    /** Open mode: the next message's number and scheduled time ({@code Long.MAX_VALUE} once sending stops). */
    private long nextK;
    private long nextDue;
    private double periodNs;

    /*
     * Everything recorded is recorded in every phase, into the slot of its phase: WINDOW (0), BEFORE (1, warm-up) or
     * AFTER (2), chosen without a branch (see phase). The generator's JVM runs on one CPU, its JIT compiler too: a
     * code path first taken when the window opens (a branch the warm-up never took) would deoptimise the loop and
     * have it recompiled while the window runs, and the generator would stall for tens of milliseconds.
     */
    private static final int WINDOW = 0;
    private static final int BEFORE = 1;
    private static final int AFTER = 2;
    /** Latency of the round trips (ns), by phase: of the echo's arrival (closed) or of the scheduled send (open). */
    private final Histogram[] latency = histograms();
    /** Open mode: how late the generator enqueued each message (now − scheduled, ns), by phase of the schedule. */
    private final Histogram[] sendLag = histograms();
    /** Echoes that arrived, by phase of their arrival (the round trips the server completed in each phase). */
    private final long[] arrivals = new long[3];
    /** Open mode: messages sent, and messages whose echo came back, by phase of their scheduled time. */
    private final long[] sent = new long[3];
    private final long[] done = new long[3];
    private long outstanding;
    private long partialWrites;
    /** Time the generator spent in turns that found nothing to do: since the window opened, and in the window. */
    private long idleNs;
    private long idleWindowNs;
    /** The generator thread's involuntary context switches at the window's start and end (CPU 1 was not its own). */
    private long preemptStart;
    private long preemptEnd;
    /** Busy ticks of the whole machine (all CPUs, /proc/stat) and of this process, at the window's start and end. */
    private long machineStart;
    private long machineEnd;
    private long selfStart;
    private long selfEnd;
    private static final int SELF = (int) ProcessHandle.current().pid();

    private static Histogram[] histograms() {
        Histogram[] h = new Histogram[3];
        for (int i = 0; i < 3; i++) {
            h[i] = new Histogram(TimeUnit.MINUTES.toNanos(10), 3);
        }
        return h;
    }

    /** WINDOW if {@code tStart <= t < tEnd}, BEFORE if earlier, AFTER if later; no branch. */
    private int phase(long t) {
        return (int) ((t - tStart) >>> 63) | (int) (((tEnd - 1 - t) >>> 63) << 1);
    }

    private EchoLoad(Map<String, String> o, boolean open, int port) throws IOException {
        this.open = open;
        conns = Integer.parseInt(o.getOrDefault("conns", "100"));
        size = Integer.parseInt(o.getOrDefault("size", "64"));
        if (size < 16) {
            throw new IllegalArgumentException("--size must be at least 16 (message number + time stamp)");
        }
        warmupNs = secondsToNs(o.getOrDefault("warmup", open ? "5" : "1"));
        measureNs = secondsToNs(o.getOrDefault("seconds", "10"));
        rate = Double.parseDouble(o.getOrDefault("rate", "60000"));
        drainNs = secondsToNs(o.getOrDefault("drain", "2"));
        busy = open || !"block".equals(o.getOrDefault("poll", "busy"));
        serverPid = Integer.parseInt(o.getOrDefault("server-pid", "0"));
        impl = o.getOrDefault("impl", "unknown");
        String host = o.getOrDefault("host", "127.0.0.1");
        String tlsDir = o.get("tls");
        tls = tlsDir != null;
        javax.net.ssl.SSLContext context = null;
        if (tls) {
            try {
                context = BenchTls.clientContext(Path.of(tlsDir));
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("cannot make the TLS client context", e);
            }
        }

        selector = Selector.open();
        all = new Conn[conns];
        dirty = new int[conns];
        InetSocketAddress addr = new InetSocketAddress(host, port);
        for (int i = 0; i < conns; i++) {
            SocketChannel ch = SocketChannel.open(addr); // blocking connect, one after the other
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            TlsConn t = null;
            if (tls) {
                t = new TlsConn(ch, BenchTls.engine(context, true));
                t.handshake(); // blocking: returns when done
            }
            ch.configureBlocking(false);
            all[i] = new Conn(i, ch, size, t);
            ch.register(selector, SelectionKey.OP_READ, all[i]);
        }
    }

    private static long secondsToNs(String s) {
        return (long) (Double.parseDouble(s) * 1e9);
    }

    /** One connection: its unsent bytes (write mode) and its unread echo bytes. */
    private static final class Conn {
        final int id;
        final SocketChannel ch;
        /** Its TLS layer, or null for plain TCP. */
        final TlsConn tls;
        final ByteBuffer rx = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer tx;
        /** The number of the next echo this connection must return. */
        long expect;
        boolean dirty;

        Conn(int id, SocketChannel ch, int size, TlsConn tls) {
            this.id = id;
            this.ch = ch;
            this.tls = tls;
            this.expect = id;
            this.tx = ByteBuffer.allocateDirect(Math.max(4096, 4 * size));
        }

        /** Writes what the socket takes of {@code tx} (read mode); whether bytes are left (plain or encrypted). */
        boolean writeLeavesBytes(ByteBuffer tx) throws IOException {
            if (tls == null) {
                ch.write(tx);
                return tx.hasRemaining();
            }
            return !tls.write(tx);
        }

        /** Reads what arrived into {@code rx}: bytes read, or -1 at the end. */
        int read(ByteBuffer rx) throws IOException {
            return tls == null ? ch.read(rx) : tls.read(rx);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[0].equals("closed") || args[0].equals("open"))) {
            System.err.println("usage: EchoLoad <closed|open> <port> [--conns=100] [--size=64] [--warmup=S] "
                    + "[--seconds=10] [--rate=60000] [--server-pid=PID] [--impl=NAME] [--host=127.0.0.1] [--drain=2] "
                    + "[--poll=busy|block] [--tls=DIR]");
            System.exit(2);
        }
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --key=value, got " + a);
            }
            o.put(a.substring(2, eq), a.substring(eq + 1));
        }
        new EchoLoad(o, args[0].equals("open"), Integer.parseInt(args[1])).run();
    }

    // ------------------------------------------------------------------------------------------------ the loop

    private void run() throws IOException {
        int clkTck = clockTicksPerSecond();
        cpuTicks(serverPid); // load and run the /proc readers once now, not when the window opens
        preemptions();
        machineBusyTicks();
        long cpuStart = -1;
        long cpuEnd = -1;
        long windowStart = 0;
        long windowEnd = 0;

        t0 = System.nanoTime();
        tStart = t0 + warmupNs;
        tEnd = tStart + measureNs;
        periodNs = 1e9 / rate;
        nextDue = open ? t0 : Long.MAX_VALUE;
        long drainUntil = Long.MAX_VALUE;
        if (!open) {
            for (Conn c : all) {
                enqueue(c, c.id, t0);
                markDirty(c);
            }
        }
        long prev = t0;
        boolean prevIdle = false;
        for (; ; ) { // the phase changes; the work is in step(), compiled on its own
            long now = System.nanoTime();
            if (prevIdle) {
                idleNs += now - prev;
            }
            if (DEBUG && now - prev > 500_000 && windowStart != 0) {
                System.err.printf(Locale.ROOT, "gap %.0f us at %.3f s into the window%n", (now - prev) / 1e3,
                        (now - tStart) / 1e9);
            }
            prev = now;
            if (windowStart == 0 && now >= tStart) {
                cpuStart = cpuTicks(serverPid);
                preemptStart = preemptions();
                machineStart = machineBusyTicks();
                selfStart = cpuTicks(SELF);
                windowStart = now;
                idleNs = 0;
            }
            if (windowEnd == 0 && now >= tEnd) {
                cpuEnd = cpuTicks(serverPid);
                preemptEnd = preemptions();
                machineEnd = machineBusyTicks();
                selfEnd = cpuTicks(SELF);
                windowEnd = now;
                idleWindowNs = idleNs;
                sending = false;
                nextDue = Long.MAX_VALUE;
                drainUntil = now + drainNs;
            }
            if (windowEnd != 0 && (!open || outstanding == 0 || now >= drainUntil)) {
                break;
            }
            prevIdle = !step(now);
        }
        for (Conn c : all) {
            if (c.tls != null) {
                c.tls.close();
            } else {
                c.ch.close();
            }
        }
        selector.close();
        report(clkTck, cpuStart, cpuEnd, windowEnd - windowStart);
    }

    /** One turn of the loop: sends what is due, writes what is queued, reads what arrived. Did it do anything? */
    private boolean step(long now) throws IOException {
        boolean worked = false;
        while (nextDue <= now) { // open mode: every message due by now, each on its connection
            long k = nextK;
            Conn c = all[(int) (k % conns)];
            enqueue(c, k, nextDue);
            markDirty(c);
            int ph = phase(nextDue);
            sent[ph]++;
            sendLag[ph].recordValue(now - nextDue);
            nextK = k + 1;
            nextDue = t0 + (long) (nextK * periodNs);
            worked = true;
        }
        if (dirtyCount > 0) {
            flush();
            worked = true;
        }
        int ready = busy ? selector.selectNow(onReadable) : selector.select(onReadable, 100);
        return worked || ready > 0;
    }

    /** Appends message {@code k} with reference time {@code refNs} to its connection's unsent bytes (not sent yet). */
    private void enqueue(Conn c, long k, long refNs) {
        if (c.tx.remaining() < size) {
            ByteBuffer bigger = ByteBuffer.allocateDirect(c.tx.capacity() * 2);
            c.tx.flip();
            bigger.put(c.tx);
            c.tx = bigger;
        }
        ByteBuffer tx = c.tx;
        int p = tx.position();
        tx.putLong(p, k);
        tx.putLong(p + 8, refNs - t0);
        tx.position(p + size); // the padding is whatever the buffer held: the echo returns it as it is
        outstanding++;
    }

    /** Puts {@code c} on the list the next turn's flush() writes (once). */
    private void markDirty(Conn c) {
        if (!c.dirty) {
            c.dirty = true;
            dirty[dirtyCount++] = c.id;
        }
    }

    /** Writes what every dirty connection can take now; a connection that cannot take all stays dirty. */
    private void flush() throws IOException {
        int kept = 0;
        for (int i = 0; i < dirtyCount; i++) {
            Conn c = all[dirty[i]];
            ByteBuffer tx = c.tx;
            tx.flip();
            boolean left = c.writeLeavesBytes(tx);
            tx.compact();
            if (left) {
                partialWrites++;
                dirty[kept++] = c.id;
            } else {
                c.dirty = false;
            }
        }
        dirtyCount = kept;
    }

    private void onReadable(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        do {
            readOnce(c);
        } while (c.tls != null && c.tls.overflowed()); // TLS records left undecrypted for want of room in rx
    }

    private void readOnce(Conn c) {
        ByteBuffer rx = c.rx;
        try {
            if (c.read(rx) < 0) {
                throw new IllegalStateException("the server closed connection " + c.id);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("connection " + c.id, e);
        }
        long arrived = System.nanoTime();
        int arrivalPhase = phase(arrived);
        rx.flip();
        while (rx.remaining() >= size) {
            int p = rx.position();
            long k = rx.getLong(p);
            long ref = t0 + rx.getLong(p + 8);
            rx.position(p + size);
            if (k != c.expect) {
                throw new IllegalStateException("connection " + c.id + ": echo of message " + k + ", expected "
                        + c.expect);
            }
            c.expect = k + conns;
            outstanding--;
            arrivals[arrivalPhase]++;
            int ph = open ? phase(ref) : arrivalPhase;
            done[ph]++;
            latency[ph].recordValue(Math.max(0, arrived - ref));
            if (sending && !open) { // closed loop: the next message goes out at once, not after the whole batch
                enqueue(c, k + conns, System.nanoTime());
                try {
                    flush(c);
                } catch (IOException e) {
                    throw new UncheckedIOException("connection " + c.id, e);
                }
            }
        }
        rx.compact();
    }

    /** Writes what {@code c} can take now; if it cannot take all, leaves it to the next turn's flush. */
    private void flush(Conn c) throws IOException {
        if (c.dirty) {
            return; // already waiting in the dirty list, behind earlier bytes
        }
        ByteBuffer tx = c.tx;
        tx.flip();
        boolean left = c.writeLeavesBytes(tx);
        tx.compact();
        if (left) {
            partialWrites++;
            c.dirty = true;
            dirty[dirtyCount++] = c.id;
        }
    }

    // ---------------------------------------------------------------------------------------------- reporting

    private void report(int clkTck, long cpuStart, long cpuEnd, long windowNs) {
        Histogram latency = this.latency[WINDOW];
        Histogram sendLag = this.sendLag[WINDOW];
        long windowArrivals = arrivals[WINDOW];
        long windowSent = sent[WINDOW];
        long windowDone = done[WINDOW];
        double secs = windowNs / 1e9;
        double rtPerSec = windowArrivals / secs;
        double cpuNsPerRt = Double.NaN;
        if (cpuStart >= 0 && cpuEnd >= 0 && windowArrivals > 0) {
            cpuNsPerRt = (cpuEnd - cpuStart) * (1e9 / clkTck) / windowArrivals;
        }
        double serverCpuPct = cpuStart >= 0 && cpuEnd >= 0 ? 100.0 * (cpuEnd - cpuStart) / clkTck / secs : Double.NaN;
        double genBusyPct = 100.0 * (1 - (double) idleWindowNs / windowNs);
        Map<String, Double> m = new LinkedHashMap<>();
        String workload;
        if (open) {
            workload = tls ? "tls_echo_cpu" : "echo_cpu";
            m.put("ns_per_roundtrip", cpuNsPerRt);
        } else {
            workload = tls ? "tls_echo" : "tcp_echo";
            m.put("roundtrips_per_sec", rtPerSec);
        }
        m.put("p50_us", latency.getValueAtPercentile(50) / 1e3);
        m.put("p99_us", latency.getValueAtPercentile(99) / 1e3);
        m.put("p999_us", latency.getValueAtPercentile(99.9) / 1e3);
        m.put("max_us", latency.getMaxValue() / 1e3);
        if (open) {
            m.put("roundtrips_per_sec", rtPerSec);
            m.put("achieved_rate", windowSent / (measureNs / 1e9));
            m.put("send_lag_p99_us", sendLag.getValueAtPercentile(99) / 1e3);
            m.put("send_lag_max_us", sendLag.getMaxValue() / 1e3);
            m.put("lost", (double) (windowSent - windowDone));
        } else {
            m.put("ns_per_roundtrip", cpuNsPerRt);
        }
        m.put("server_cpu_pct", serverCpuPct);
        m.put("generator_busy_pct", genBusyPct);
        m.put("generator_preemptions", (double) (preemptEnd - preemptStart));
        // CPU time spent by everything but the server and this generator (other processes, and the interrupts and
        // softirqs the kernel did not charge to either): a noisy machine shows here
        m.put("other_cpu_pct", machineStart >= 0 && cpuStart >= 0
                ? 100.0 * ((machineEnd - machineStart) - (cpuEnd - cpuStart) - (selfEnd - selfStart)) / clkTck / secs
                : Double.NaN);
        for (var e : m.entrySet()) {
            System.out.printf(Locale.ROOT, "{\"peer\":\"%s\",\"workload\":\"%s\",\"metric\":\"%s\",\"value\":%.1f,"
                            + "\"n\":%d,\"seconds\":%.1f}%n", impl, workload, e.getKey(), e.getValue(), conns, secs);
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "SUMMARY impl=%s mode=%s", impl,
                open ? "open" : "closed"));
        for (var e : m.entrySet()) {
            s.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), e.getValue()));
        }
        System.out.println(s);
        if (open) {
            double expected = rate * measureNs / 1e9;
            if (windowSent < 0.99 * expected) {
                System.err.printf(Locale.ROOT, "WARNING (%s): the generator fell behind: sent %d of the %.0f messages "
                        + "scheduled in the window (achieved %.0f/s of %.0f/s)%n", impl, windowSent, expected,
                        windowSent / (measureNs / 1e9), rate);
            }
            if (windowSent != windowDone) {
                System.err.printf(Locale.ROOT, "WARNING (%s): %d measured messages got no echo within the %.1f s drain%n",
                        impl, windowSent - windowDone, drainNs / 1e9);
            }
            if (sendLag.getValueAtPercentile(99) > 100_000) {
                System.err.printf(Locale.ROOT, "WARNING (%s): sends were late: p99 %.1f us behind schedule%n",
                        impl, sendLag.getValueAtPercentile(99) / 1e3);
            }
        }
        if (partialWrites > 0) {
            System.err.println("note (" + impl + "): " + partialWrites + " partial writes (the server was not reading fast enough)");
        }
    }

    /** Busy clock ticks of all CPUs together (the first line of /proc/stat, less idle and iowait), or -1. */
    static long machineBusyTicks() {
        try (var r = Files.newBufferedReader(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
            String[] f = r.readLine().trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The calling thread's involuntary context switches so far (Linux), or -1. */
    private static long preemptions() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** utime + stime of a process, in clock ticks, or -1 when there is no such process (or pid is 0). */
    static long cpuTicks(int pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
            // "pid (comm) state ppid ..."; comm may hold spaces and parentheses: split after the last ')'
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
        } catch (IOException | RuntimeException e) {
            System.err.println("cannot read the CPU time of pid " + pid + ": " + e);
            return -1;
        }
    }

    static int clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor() == 0) {
                return Integer.parseInt(out);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100; // Linux's USER_HZ almost everywhere
    }
}
