package io.cortado.examples;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo runs to the end by itself and reports what each part did. */
class DemoTest extends LeakCheck {

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
        // the network step runs for 3 s in the demo; one second is enough to check it here
        String out;
        System.setProperty(Demo.LOAD_MILLIS, "1000");
        try {
            out = run(() -> Demo.main(new String[0]));
        } finally {
            System.clearProperty(Demo.LOAD_MILLIS);
        }
        assertTrue(out.contains("joinset : 5000 tasks joined"), out);
        assertTrue(out.contains("join    : 500 pairs"), out);
        assertTrue(out.contains("winner 7 (16 steps)"), out);
        assertTrue(out.contains("loser's handle says: cancelled"), out);
        assertTrue(out.contains("1000 endless tasks aborted, 1000 handles report cancelled"), out);
        assertTrue(out.contains("blocking: 4 x SHA-256"), out);
        assertTrue(out.contains("sum 200020000"), out); // 4 x (1 + ... + 10000)
        assertTrue(out.contains("timed out after 20 ms"), out);
        Matcher net = Pattern.compile("network : echo server \\+ 200 clients on loopback for (\\d+\\.\\d) s: "
                + "(\\d+) requests, (\\d+) req/s; latency p50 (\\d+\\.\\d+) ms, p99 (\\d+\\.\\d+) ms, "
                + "max (\\d+\\.\\d+) ms").matcher(out);
        assertTrue(net.find(), out);
        assertTrue(Double.parseDouble(net.group(1)) >= 1.0, "it ran for the time asked: " + net.group());
        assertTrue(Long.parseLong(net.group(2)) >= 200, "every client completed requests: " + net.group());
        double p50 = Double.parseDouble(net.group(4));
        double p99 = Double.parseDouble(net.group(5));
        double max = Double.parseDouble(net.group(6));
        assertTrue(0 < p50 && p50 <= p99 && p99 <= max, net.group());
        assertTrue(out.contains("demo finished in"), out);
        assertTrue(LeakCheck.cortadoThreads().isEmpty(), "threads left behind: " + LeakCheck.cortadoThreads());
    }
}
