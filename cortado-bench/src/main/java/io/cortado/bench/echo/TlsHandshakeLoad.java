package io.cortado.bench.echo;

import org.HdrHistogram.Histogram;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The handshake part of W12 ({@code tls_handshake}): full TLS 1.3 handshakes a second against a
 * {@link TlsEchoServer}, one new TCP connection per handshake. One thread, non-blocking {@code java.nio}, a JDK
 * {@code SSLEngine} per connection ({@link TlsConn}); {@code --conns} connections are in progress at any time.
 *
 * <pre>
 *   java -cp benchmarks.jar io.cortado.bench.echo.TlsHandshakeLoad &lt;port&gt; --tls=DIR [--key=value ...]
 * </pre>
 * Each connection: TCP connect, the full handshake (the client engines are made without the peer's host and port,
 * so the JDK offers no session to resume: see {@link BenchTls#engine}), one 16-byte message echoed back (so the
 * server has finished its side and serves), {@code close_notify} and close; then the next connection in its place.
 * A handshake counts in the phase (warm-up, window) in which its echo arrived. Reports handshakes a second, the
 * server's CPU time per handshake ({@code /proc/PID/stat} of {@code --server-pid}, as {@link EchoLoad} does), and
 * the latency of the whole connection (connect to echo).
 *
 * <p>The generator does the client's half of every handshake, which costs about as much as the server's half (it
 * verifies the server's ECDSA signature and certificate): on two CPUs it may be the bottleneck, in which case every
 * server shows the same rate and only the server's CPU per handshake tells them apart. The report says how busy the
 * generator was.
 *
 * <p>Options: {@code --conns=16 --warmup=2 --seconds=10 --server-pid=PID --impl=NAME --host=127.0.0.1}.
 */
public final class TlsHandshakeLoad {
    private static final int MESSAGE = 16;

    private final InetSocketAddress addr;
    private final SSLContext context;
    private final Selector selector;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(64 * 1024);
    private final Histogram latency = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    private long tStart;
    private long tEnd;
    private long warmupDone;
    private long windowDone;
    private long failures;

    /** One connection in progress. */
    private static final class Slot {
        SocketChannel ch;
        TlsConn tls;
        long started;
        boolean sent;
        int echoed;
    }

    private TlsHandshakeLoad(InetSocketAddress addr, SSLContext context) throws IOException {
        this.addr = addr;
        this.context = context;
        this.selector = Selector.open();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TlsHandshakeLoad <port> --tls=DIR [--conns=16] [--warmup=2] [--seconds=10] "
                    + "[--server-pid=PID] [--impl=NAME] [--host=127.0.0.1]");
            System.exit(2);
        }
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --key=value, got " + a);
            }
            o.put(a.substring(2, eq), a.substring(eq + 1));
        }
        String dir = o.get("tls");
        if (dir == null) {
            throw new IllegalArgumentException("--tls=DIR (where BenchTls wrote the certificate) is required");
        }
        InetSocketAddress addr = new InetSocketAddress(o.getOrDefault("host", "127.0.0.1"), Integer.parseInt(args[0]));
        new TlsHandshakeLoad(addr, BenchTls.clientContext(Path.of(dir))).run(
                Integer.parseInt(o.getOrDefault("conns", "16")),
                (long) (Double.parseDouble(o.getOrDefault("warmup", "2")) * 1e9),
                (long) (Double.parseDouble(o.getOrDefault("seconds", "10")) * 1e9),
                Integer.parseInt(o.getOrDefault("server-pid", "0")),
                o.getOrDefault("impl", "unknown"));
    }

    private void run(int conns, long warmupNs, long measureNs, int serverPid, String impl) throws IOException {
        int clkTck = EchoLoad.clockTicksPerSecond();
        int self = (int) ProcessHandle.current().pid();
        long t0 = System.nanoTime();
        tStart = t0 + warmupNs;
        tEnd = tStart + measureNs;
        for (int i = 0; i < conns; i++) {
            open(new Slot());
        }
        long cpuStart = -1;
        long selfStart = -1;
        long machineStart = -1;
        boolean inWindow = false;
        for (; ; ) {
            long now = System.nanoTime();
            if (!inWindow && now >= tStart) {
                inWindow = true;
                cpuStart = EchoLoad.cpuTicks(serverPid);
                selfStart = EchoLoad.cpuTicks(self);
                machineStart = EchoLoad.machineBusyTicks();
            }
            if (now >= tEnd) {
                break;
            }
            selector.select(this::onReady, 10);
        }
        long cpuEnd = EchoLoad.cpuTicks(serverPid);
        long selfEnd = EchoLoad.cpuTicks(self);
        long machineEnd = EchoLoad.machineBusyTicks();
        double secs = measureNs / 1e9;
        for (SelectionKey k : selector.keys()) {
            if (k.attachment() instanceof Slot s) {
                close(s);
            }
        }
        selector.close();

        Map<String, Double> m = new LinkedHashMap<>();
        m.put("handshakes_per_sec", windowDone / secs);
        m.put("server_us_per_handshake", cpuStart >= 0 && cpuEnd >= 0 && windowDone > 0
                ? (cpuEnd - cpuStart) * (1e6 / clkTck) / windowDone : Double.NaN);
        m.put("p50_us", latency.getValueAtPercentile(50) / 1e3);
        m.put("p99_us", latency.getValueAtPercentile(99) / 1e3);
        m.put("server_cpu_pct", cpuStart >= 0 && cpuEnd >= 0 ? 100.0 * (cpuEnd - cpuStart) / clkTck / secs
                : Double.NaN);
        m.put("generator_cpu_pct", 100.0 * (selfEnd - selfStart) / clkTck / secs);
        m.put("other_cpu_pct", machineStart >= 0 && cpuStart >= 0
                ? 100.0 * ((machineEnd - machineStart) - (cpuEnd - cpuStart) - (selfEnd - selfStart)) / clkTck / secs
                : Double.NaN);
        m.put("failures", (double) failures);
        StringBuilder sum = new StringBuilder("SUMMARY impl=" + impl + " mode=handshake");
        for (var e : m.entrySet()) {
            System.out.printf(Locale.ROOT, "{\"peer\":\"%s\",\"workload\":\"tls_handshake\",\"metric\":\"%s\","
                    + "\"value\":%.1f,\"n\":%d,\"seconds\":%.1f}%n", impl, e.getKey(), e.getValue(), conns, secs);
            sum.append(String.format(Locale.ROOT, " %s=%.1f", e.getKey(), e.getValue()));
        }
        System.out.println(sum);
        if (failures > 0) {
            System.err.println("WARNING (" + impl + "): " + failures + " connections failed");
        }
    }

    /** Starts a new connection in slot {@code s}. */
    private void open(Slot s) throws IOException {
        s.ch = SocketChannel.open();
        s.ch.configureBlocking(false);
        s.ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        s.tls = null;
        s.sent = false;
        s.echoed = 0;
        s.started = System.nanoTime();
        if (s.ch.connect(addr)) {
            s.ch.register(selector, SelectionKey.OP_READ, s);
            advance(s);
        } else {
            s.ch.register(selector, SelectionKey.OP_CONNECT, s);
        }
    }

    private void onReady(SelectionKey key) {
        Slot s = (Slot) key.attachment();
        try {
            if (key.isConnectable()) {
                s.ch.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
            }
            advance(s);
        } catch (IOException | RuntimeException e) {
            if (++failures <= 5) {
                System.err.println("connection failed: " + e);
            }
            close(s);
            try {
                open(s);
            } catch (IOException again) {
                throw new java.io.UncheckedIOException(again);
            }
        }
    }

    /** Moves slot {@code s} on as far as it can: handshake, message, echo; then the next connection. */
    private void advance(Slot s) throws IOException {
        SelectionKey key = s.ch.keyFor(selector);
        if (s.tls == null) {
            s.tls = new TlsConn(s.ch, BenchTls.engine(context, true));
        }
        if (!s.tls.handshake()) {
            key.interestOps(s.tls.hasPendingOutput() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            return;
        }
        if (!s.sent) {
            s.sent = true;
            ByteBuffer msg = ByteBuffer.allocate(MESSAGE);
            if (!s.tls.write(msg)) {
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
        } else if (s.tls.hasPendingOutput() && !s.tls.write(ByteBuffer.allocate(0))) {
            return;
        }
        key.interestOps(SelectionKey.OP_READ);
        rx.clear();
        int n = s.tls.read(rx);
        if (n < 0) {
            throw new IOException("the server closed the connection before the echo");
        }
        s.echoed += n;
        if (s.echoed < MESSAGE) {
            return;
        }
        long now = System.nanoTime();
        if (now >= tStart && now < tEnd) {
            windowDone++;
            latency.recordValue(now - s.started);
        } else if (now < tStart) {
            warmupDone++;
        }
        close(s);
        open(s);
    }

    private void close(Slot s) {
        if (s.tls != null) {
            s.tls.close();
        } else {
            try {
                s.ch.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }
}
