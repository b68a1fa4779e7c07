package io.cortado.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base of every test class that starts runtimes. After each test it fails if
 * <ul>
 *   <li>a Cortado thread (name starting with {@code cortado}) is still alive: runtimes must stop every thread
 *       they start before {@code close()}/{@code shutdown} returns;</li>
 *   <li>the process holds more file descriptors than before the test (sockets, pipes, epoll instances; jar files
 *       the class loader opens lazily are not counted);</li>
 *   <li>any thread died of an uncaught exception during the test;</li>
 *   <li>the test thread was left interrupted.</li>
 * </ul>
 * Every test also has the time limit of {@code junit-platform.properties}.
 */
public abstract class RuntimeTestBase {
    private static final List<Throwable> UNCAUGHT = new CopyOnWriteArrayList<>();

    static {
        // The JDK's NIO keeps one socket open for the life of the JVM (the "pre-close" descriptor that an
        // asynchronous close of a channel registered with a selector dup2s over the channel's descriptor); it is
        // made on first use. Make it now, so the first I/O test does not count it as a leak.
        try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open();
            ch.configureBlocking(false);
            ch.register(sel, 0);
            ch.close();
            sel.selectNow();
            // Likewise the JDK's SecureRandom opens /dev/random and /dev/urandom for good on first use, which a
            // test's @TempDir (resolved after the baseline is taken) triggers.
            Files.delete(Files.createTempDirectory("cortado-warm-up"));
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            UNCAUGHT.add(new AssertionError("uncaught exception in thread " + t.getName(), e));
            if (previous != null) {
                previous.uncaughtException(t, e);
            }
        });
    }

    private Map<String, Integer> fdsBefore;

    @BeforeEach
    final void recordBaseline() {
        UNCAUGHT.clear();
        List<String> leftovers = cortadoThreads();
        if (!leftovers.isEmpty()) {
            fail("Cortado threads alive before the test started (leaked by an earlier test): " + leftovers);
        }
        fdsBefore = openDescriptors();
    }

    @AfterEach
    final void checkNothingLeaked() {
        if (Thread.interrupted()) {
            fail("the test left its thread interrupted");
        }
        List<String> alive = cortadoThreads();
        if (!alive.isEmpty()) {
            fail("Cortado threads outlived the test: " + alive);
        }
        Map<String, Integer> after = checksDescriptors() ? openDescriptors() : fdsBefore;
        List<String> grown = new ArrayList<>();
        after.forEach((kind, n) -> {
            int before = fdsBefore.getOrDefault(kind, 0);
            if (n > before) {
                grown.add(kind + ": " + before + " -> " + n);
            }
        });
        if (!grown.isEmpty()) {
            fail("file descriptors leaked by the test: " + grown);
        }
        if (!UNCAUGHT.isEmpty()) {
            AssertionError e = new AssertionError("threads died of uncaught exceptions during the test");
            UNCAUGHT.forEach(e::addSuppressed);
            throw e;
        }
    }

    /**
     * @return whether this class checks descriptors; only a class whose test tool opens descriptors of its own
     * (Lincheck) turns it off, and says so
     */
    protected boolean checksDescriptors() {
        return true;
    }

    /** @return the names of live Cortado threads */
    public static List<String> cortadoThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("cortado")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** @return open descriptors by kind (socket, pipe, anon_inode:[eventpoll] ...), jar files excluded */
    static Map<String, Integer> openDescriptors() {
        Map<String, Integer> kinds = new TreeMap<>();
        Path dir = Path.of("/proc/self/fd");
        if (!Files.isDirectory(dir)) {
            return kinds; // not Linux: only the thread check applies
        }
        try (Stream<Path> fds = Files.list(dir)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue; // closed while listing (e.g. the listing's own descriptor)
                }
                if (target.endsWith(".jar") || target.startsWith("/proc/")) {
                    continue;
                }
                String kind = target.contains(":") ? target.substring(0, target.indexOf(':')) : "file";
                kinds.merge(kind, 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/fd", e);
        }
        return kinds;
    }

    /**
     * Waits until {@code condition} holds, failing after 30 s: for outcomes that another thread produces
     * asynchronously. It polls the condition, yielding the processor between two looks so that the threads it waits
     * for run even on a loaded two-core machine; it never sleeps a fixed time.
     */
    protected static void awaitCondition(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        for (int spins = 0; !condition.getAsBoolean(); spins++) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until: " + what);
            }
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** @return the scale of stress loops: 1 in the default build, larger with {@code -Pstress} */
    protected static int stressScale() {
        return Integer.getInteger("cortado.stress.scale", 1);
    }
}
