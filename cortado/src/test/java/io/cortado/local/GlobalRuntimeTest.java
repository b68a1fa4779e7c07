package io.cortado.local;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code AsyncRuntime.global()}, each case in a fresh JVM: the global runtime is process-wide and never shut down,
 * so it must not start inside the test JVM (whose leak checks would rightly flag its threads).
 */
class GlobalRuntimeTest extends RuntimeTestBase {

    private static String run(String... props) throws IOException, InterruptedException {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-cp",
                System.getProperty("java.class.path")));
        cmd.addAll(List.of(props));
        cmd.add(GlobalRuntimeMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close(); // its stdin pipe; left to the process reaper, it is closed at some later moment
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() + ":" + out;
    }

    @Test
    void startsLazilyTakesItsConfigurationOnceAndEndsWithTheProcess() throws Exception {
        String out = run("-Dcortado.workers=3");
        assertTrue(out.startsWith("0:") && out.contains("OK workers=3"), out);
    }

    @Test
    void aBadSystemPropertyIsNamedInTheError() throws Exception {
        String out = run("-Dcortado.workers=lots");
        assertNotEquals('0', out.charAt(0), out);
        assertTrue(out.contains("cortado.workers") && out.contains("lots"), out);
        String zero = run("-Dcortado.workers=0");
        assertTrue(zero.contains("cortado.workers") && zero.contains("expected"), zero);
        assertEquals(-1, out.indexOf("OK workers"), out);
    }
}
