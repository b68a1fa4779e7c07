package io.cortado.examples;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Base of the examples' tests (the core's {@code RuntimeTestBase} is test code of another module, so it is not
 * visible here). After each test it fails if a Cortado thread (name starting with {@code cortado}) is still
 * alive, or if the process holds more sockets, pipes or epoll instances than before the test.
 */
public abstract class LeakCheck {
    static {
        // The JDK keeps one socket for the life of the JVM once a channel registered with a selector has been
        // closed (the descriptor it dup2s over closing channels). Make it now, so no test counts it as a leak.
        try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open();
            ch.configureBlocking(false);
            ch.register(sel, 0);
            ch.close();
            sel.selectNow();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private List<String> before;

    @BeforeEach
    final void recordDescriptors() {
        List<String> threads = cortadoThreads();
        if (!threads.isEmpty()) {
            fail("Cortado threads alive before the test (left by an earlier one): " + threads);
        }
        before = ioDescriptors();
    }

    @AfterEach
    final void checkNothingLeft() {
        List<String> threads = cortadoThreads();
        if (!threads.isEmpty()) {
            fail("Cortado threads outlived the test: " + threads);
        }
        assertEquals(before.size(), ioDescriptors().size(),
                () -> "sockets, pipes or epoll instances left open: before " + before + ", after " + ioDescriptors());
    }

    /** @return the names of live threads whose name starts with {@code cortado} */
    public static List<String> cortadoThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("cortado")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** @return the targets of this process's socket, pipe and anonymous-inode descriptors (empty off Linux) */
    private static List<String> ioDescriptors() {
        Path dir = Path.of("/proc/self/fd");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(dir)) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:") || target.startsWith("pipe:")
                            || target.startsWith("anon_inode:")) {
                        targets.add(target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, gone by now
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/fd", e);
        }
        return targets;
    }
}
