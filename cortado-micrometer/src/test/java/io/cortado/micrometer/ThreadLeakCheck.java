package io.cortado.micrometer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The thread half of cortado's {@code RuntimeTestBase} (not visible from this module): fails a test that starts
 * with, or leaves behind, a live thread whose name starts with {@code cortado}.
 */
abstract class ThreadLeakCheck {
    @BeforeEach
    final void noCortadoThreadsBefore() {
        List<String> alive = cortadoThreads();
        if (!alive.isEmpty()) {
            fail("Cortado threads alive before the test started (leaked by an earlier test): " + alive);
        }
    }

    @AfterEach
    final void noCortadoThreadsAfter() {
        if (Thread.interrupted()) {
            fail("the test left its thread interrupted");
        }
        List<String> alive = cortadoThreads();
        if (!alive.isEmpty()) {
            fail("Cortado threads outlived the test: " + alive);
        }
    }

    static List<String> cortadoThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("cortado")) {
                names.add(t.getName());
            }
        }
        return names;
    }
}
