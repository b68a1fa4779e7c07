package io.cortado.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo runs to the end by itself and reports what each part did. */
class DemoTest {

    private static String run(Runnable main) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void readmeExamplePrintsTheSumOfSquares() {
        assertTrue(run(() -> Hello.main(new String[0])).contains("sum of squares = 333833500"));
    }

    @Test
    void demoRunsAndReports() {
        String out = run(() -> Demo.main(new String[0]));
        assertTrue(out.contains("joinset : 5000 tasks joined"), out);
        assertTrue(out.contains("join    : 500 pairs"), out);
        assertTrue(out.contains("winner 7 (16 steps)"), out);
        assertTrue(out.contains("loser's handle says: cancelled"), out);
        assertTrue(out.contains("1000 endless tasks aborted, 1000 handles report cancelled"), out);
        assertTrue(out.contains("blocking: 4 x SHA-256"), out);
        assertTrue(out.contains("sum 200020000"), out); // 4 x (1 + ... + 10000)
        assertTrue(out.contains("timed out after 20 ms"), out);
        assertTrue(out.contains("demo finished in"), out);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertTrue(!t.isAlive() || !t.getName().startsWith("cortado"), "thread left behind: " + t.getName());
        }
    }
}
