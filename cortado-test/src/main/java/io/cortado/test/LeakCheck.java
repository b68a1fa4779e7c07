package io.cortado.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The thread and descriptor checks of a {@link CortadoTest}, after those of cortado's {@code RuntimeTestBase}.
 *
 * <ol>
 *   <li><b>Threads</b> are matched by name: every thread of a test's runtime (workers, watchdog, blocking pool)
 *       and the engine's own thread that drives the test start with the test's unique prefix, so a thread of
 *       another test or of the build tool is never blamed. Each gets a grace (it may be on its last instructions
 *       after {@code shutdown} returned), then the ones still alive are listed with where they are.</li>
 *   <li><b>Descriptors</b> are read from {@code /proc/self/fd} (Linux; elsewhere the check is skipped) as
 *       descriptor number and target. Jar files, which the class loader opens lazily, and {@code /proc} entries
 *       (the listing's own descriptor) are left out. A leak is a kind ({@code file}, {@code socket}, {@code pipe},
 *       {@code anon_inode}) with more descriptors after the test than before; the message names the new ones.</li>
 *   <li><b>Warm-up:</b> the JDK opens two descriptors for good on first use: NIO's "pre-close" socket (the first
 *       close of a channel registered with a selector) and SecureRandom's {@code /dev/random} and
 *       {@code /dev/urandom} (e.g. the first temporary file). Both are made before the first baseline, or the first
 *       test to use them would be blamed.</li>
 * </ol>
 * The checks assume one test at a time per JVM, which is how the engine runs them.
 */
final class LeakCheck {
    private static final Path FDS = Path.of("/proc/self/fd");
    private static final int STACK_FRAMES = 8;

    private LeakCheck() {
    }

    /** Warm-up (rule 3), once per JVM, on the first descriptor snapshot. */
    private static final class WarmUp {
        static {
            try (Selector sel = Selector.open()) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.register(sel, 0);
                ch.close();
                sel.selectNow();
                Files.delete(Files.createTempDirectory("cortado-warm-up"));
            } catch (IOException e) {
                throw new UncheckedIOException("cortado-test: warming up the JDK's lazily opened descriptors", e);
            }
        }

        static void ensure() {
        }
    }

    /** @return the open descriptors (number to target), or an empty map where {@code /proc/self/fd} is missing */
    static Map<Integer, String> descriptors() {
        Map<Integer, String> fds = new TreeMap<>();
        if (!Files.isDirectory(FDS)) {
            return fds;
        }
        WarmUp.ensure();
        try (Stream<Path> list = Files.list(FDS)) {
            for (Path fd : (Iterable<Path>) list::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue; // closed while listing (e.g. the listing's own descriptor)
                }
                if (!target.endsWith(".jar") && !target.startsWith("/proc/")) {
                    fds.put(Integer.parseInt(fd.getFileName().toString()), target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cortado-test: cannot list " + FDS, e);
        }
        return fds;
    }

    /**
     * @return what grew between the snapshots, e.g. {@code "file: 3 -> 4 (/tmp/data.bin)"}, or {@code null} if no
     *         kind of descriptor grew
     */
    static String leakedDescriptors(Map<Integer, String> before, Map<Integer, String> after) {
        Map<String, List<String>> opened = new TreeMap<>();
        after.forEach((fd, target) -> {
            if (!target.equals(before.get(fd))) {
                opened.computeIfAbsent(kind(target), k -> new ArrayList<>()).add(target);
            }
        });
        Map<String, Long> was = before.values().stream().collect(Collectors.groupingBy(LeakCheck::kind,
                Collectors.counting()));
        Map<String, Long> now = after.values().stream().collect(Collectors.groupingBy(LeakCheck::kind,
                Collectors.counting()));
        List<String> grown = new ArrayList<>();
        now.forEach((kind, n) -> {
            long b = was.getOrDefault(kind, 0L);
            if (n > b) {
                grown.add(kind + ": " + b + " -> " + n + " " + opened.getOrDefault(kind, List.of()));
            }
        });
        return grown.isEmpty() ? null : String.join("; ", grown);
    }

    private static String kind(String target) {
        int colon = target.indexOf(':');
        return colon > 0 ? target.substring(0, colon) : "file";
    }

    /**
     * Waits up to {@code grace} in all for the threads whose name starts with {@code prefix + "-"} to end.
     *
     * @return the ones still alive, each with its state and top frames, or {@code null} if none is
     */
    static String leakedThreads(String prefix, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.getName().startsWith(prefix + "-")) {
                continue;
            }
            if (!t.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) { // zero: no wait
                alive.add(describe(t));
            }
        }
        return alive.isEmpty() ? null : String.join("\n", alive);
    }

    /** @return the thread's name, state and top stack frames */
    static String describe(Thread t) {
        StackTraceElement[] stack = t.getStackTrace();
        String frames = Arrays.stream(stack).limit(STACK_FRAMES).map(f -> "\n        at " + f)
                .collect(Collectors.joining());
        return "    \"" + t.getName() + "\" " + t.getState() + frames
                + (stack.length > STACK_FRAMES ? "\n        ..." : "");
    }
}
