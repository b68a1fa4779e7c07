package io.cortado.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real TLS peers for the interoperability tests: the JDK's blocking {@link SSLSocket} and {@link SSLServerSocket} on
 * plain threads that the test joins, and processes ({@code openssl}, {@code curl}) whose output is collected. Every
 * peer is {@link AutoCloseable} and is closed (threads joined, processes ended, descriptors closed) in the test.
 */
final class Peers {
    /** How long any wait for a peer may take before the test fails. */
    static final long WAIT_SECONDS = 20;

    private Peers() {
    }

    // ---------------------------------------------------------------------------------------------------------
    // The JDK's blocking TLS sockets

    /**
     * A context for a JDK peer, made with the JDK's own factories (not Cortado's builders).
     *
     * @param id      this peer's certificate and key, or {@code null} for none
     * @param trusted the root it trusts
     */
    static SSLContext jdkContext(TestPki.Id id, X509Certificate trusted) {
        try {
            char[] pw = "jdk-peer".toCharArray();
            KeyManager[] km = null;
            if (id != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("peer", id.key(), pw, id.chain().toArray(Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
                kmf.init(ks, pw);
                km = kmf.getKeyManagers();
            }
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("root", trusted);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ts);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(km, tmf.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A JDK client socket connected to {@code addr}, for {@code host} (sent as SNI unless it is an IP address, and
     * checked against the server's certificate if {@code verifyHost}). The handshake starts at the first I/O.
     */
    static SSLSocket jdkClient(SSLContext context, InetSocketAddress addr, String host, boolean verifyHost,
                               String protocol, String... alpn) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(addr, (int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            plain.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, host, addr.getPort(), true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[]{protocol});
            p.setEndpointIdentificationAlgorithm(verifyHost ? "HTTPS" : null);
            if (!host.chars().allMatch(c -> c == '.' || Character.isDigit(c))) {
                p.setServerNames(List.of(new SNIHostName(host))); // the JDK sends none for dotless names
            }
            if (alpn.length > 0) {
                p.setApplicationProtocols(alpn);
            }
            s.setSSLParameters(p);
            return s;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** A JDK server socket on a free loopback port. */
    static SSLServerSocket jdkServerSocket(SSLContext context) throws IOException {
        SSLServerSocket ss = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 8,
                InetAddress.getLoopbackAddress());
        ss.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        return ss;
    }

    /** What a JDK peer saw of one connection. */
    record Seen(String protocol, String alpn, List<Certificate> peerCertificates, long bytes) {
    }

    static List<Certificate> peerCertificates(SSLSession s) {
        try {
            return List.of(s.getPeerCertificates());
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    /**
     * Accepts one connection on {@code ss} (on a plain thread), with {@code protocol}, the server's {@code alpn}
     * protocols (none if empty) and {@code needClientAuth}; echoes every byte until the client's close_notify, then
     * closes (sending close_notify back).
     */
    static Background<Seen> jdkEchoServer(SSLServerSocket ss, String protocol, boolean needClientAuth,
                                          String... alpn) {
        return new Background<>("jdk-tls-echo-server", ss, () -> {
            try (SSLSocket s = (SSLSocket) ss.accept()) {
                s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                SSLParameters p = s.getSSLParameters();
                p.setProtocols(new String[]{protocol});
                p.setNeedClientAuth(needClientAuth);
                if (alpn.length > 0) {
                    p.setApplicationProtocols(alpn);
                }
                s.setSSLParameters(p);
                s.startHandshake();
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[8192];
                long n = 0;
                for (int r; (r = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, r);
                    out.flush();
                    n += r;
                }
                return new Seen(s.getSession().getProtocol(), s.getApplicationProtocol(),
                        peerCertificates(s.getSession()), n);
            }
        });
    }

    /**
     * A body run on a plain (non-Cortado) thread, with a resource that {@link #close} closes to unblock it.
     *
     * @param <T> its result
     */
    static final class Background<T> implements AutoCloseable {
        private final Thread thread;
        private final AutoCloseable resource;
        private volatile T value;
        private volatile Throwable error;

        Background(String name, AutoCloseable resource, Callable<T> body) {
            this.resource = resource;
            this.thread = new Thread(() -> {
                try {
                    value = body.call();
                } catch (Throwable t) {
                    error = t;
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        private void join() {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (thread.isAlive()) {
                fail(thread.getName() + " did not finish within " + WAIT_SECONDS + " s");
            }
        }

        /** @return the result, once the body ended; fails if it threw */
        T get() {
            join();
            if (error != null) {
                throw new AssertionError(thread.getName() + " failed: " + error, error);
            }
            return value;
        }

        /** @return what the body threw, once it ended; fails if it returned */
        Throwable failure() {
            join();
            if (error == null) {
                fail(thread.getName() + " was expected to fail but returned " + value);
            }
            return error;
        }

        /** Closes the resource (unblocking the body) and joins the thread. */
        @Override
        public void close() throws IOException {
            try {
                resource.close();
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            join();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Processes

    /** @return a port that was free a moment ago (a process that binds it must retry if it is taken since) */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A process (its stderr merged into its stdout, which a plain thread collects). {@link #close} ends it if it
     * is still running and joins the collecting thread.
     */
    static final class PeerProcess implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Thread reader;
        private final StringBuilder output = new StringBuilder(); // guarded by this
        private boolean ended; // guarded by this
        int port;

        private PeerProcess(List<String> command, java.nio.file.Path dir) {
            this.command = List.copyOf(command);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            try {
                this.process = pb.start();
            } catch (IOException e) {
                throw new AssertionError("the TLS interoperability tests need `" + command.getFirst()
                        + "` (Debian package " + command.getFirst() + "; .ci/run installs it): " + e.getMessage(), e);
            }
            this.reader = new Thread(this::collect, command.getFirst() + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** Starts {@code command}, failing the test (not skipping it) if the program is not installed. */
        static PeerProcess start(java.nio.file.Path dir, String... command) {
            return new PeerProcess(List.of(command), dir);
        }

        /**
         * Starts {@code openssl s_server} on a free loopback port with {@code args}, once it says {@code ACCEPT}
         * (retrying on another port if the one chosen was taken meanwhile).
         */
        static PeerProcess opensslServer(java.nio.file.Path dir, String... args) {
            String last = "";
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = freePort();
                List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port));
                cmd.addAll(List.of(args));
                PeerProcess p = new PeerProcess(cmd, dir);
                if (p.awaitOutputOrEnd("ACCEPT")) {
                    p.port = port;
                    return p;
                }
                last = p.output();
                p.close();
                if (!last.toLowerCase(java.util.Locale.ROOT).contains("in use")) {
                    break;
                }
            }
            throw new AssertionError("openssl s_server did not start: " + last);
        }

        private void collect() {
            try (Reader r = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)) {
                char[] buf = new char[4096];
                for (int n; (n = r.read(buf)) >= 0; ) {
                    synchronized (this) {
                        output.append(buf, 0, n);
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process was ended: what it wrote so far is kept
            } finally {
                synchronized (this) {
                    ended = true;
                    notifyAll();
                }
            }
        }

        /** @return everything the process wrote so far */
        synchronized String output() {
            return output.toString();
        }

        /** @return whether {@code needle} appeared in the output; false if the output ended without it */
        boolean awaitOutputOrEnd(String needle) {
            return awaitOutputOrEnd(needle, 1);
        }

        private int count(String needle) {
            int n = 0;
            for (int i = output.indexOf(needle); i >= 0; i = output.indexOf(needle, i + needle.length())) {
                n++;
            }
            return n;
        }

        /** @return whether {@code needle} appeared {@code times} in the output; false if it ended before */
        synchronized boolean awaitOutputOrEnd(String needle, int times) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (count(needle) < times) {
                if (ended) {
                    return false;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    fail("timed out waiting for \"" + needle + "\" from " + command + "; output so far:\n" + output);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
            return true;
        }

        /** Waits until {@code needle} appears in the output; fails if the output ends without it. */
        void awaitOutput(String needle) {
            awaitOutput(needle, 1);
        }

        /** Waits until {@code needle} appeared {@code times} in the output; fails if the output ends before. */
        void awaitOutput(String needle, int times) {
            if (!awaitOutputOrEnd(needle, times)) {
                fail("\"" + needle + "\" never came from " + command + "; its output:\n" + output());
            }
        }

        /** Writes {@code text} to the process's stdin and flushes it. */
        void send(String text) {
            try {
                OutputStream in = process.getOutputStream();
                in.write(text.getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw new AssertionError("cannot write to " + command + "; its output:\n" + output(), e);
            }
        }

        /** Closes the process's stdin (its end of input). */
        void closeInput() {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // the process has ended already
            }
        }

        /** @return the exit code, once the process ended (failing after the time limit) and its output was read */
        int awaitExit() {
            try {
                if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    fail(command + " did not exit within " + WAIT_SECONDS + " s; its output:\n" + output());
                }
                reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            return process.exitValue();
        }

        /** Ends the process if it still runs, and releases its pipes and thread. */
        @Override
        public void close() {
            closeInput();
            try {
                if (process.isAlive()) {
                    process.destroy();
                    if (!process.waitFor(5, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                }
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            } finally {
                try {
                    process.getInputStream().close();
                    process.getErrorStream().close();
                } catch (IOException ignored) {
                    // closed already
                }
            }
            if (reader.isAlive() || process.isAlive()) {
                fail(command + " or its output reader outlived the test");
            }
        }

        @Override
        public String toString() {
            return String.join(" ", command);
        }
    }
}
