package io.cortado.net;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exhausted descriptors: a child JVM limited to 256 descriptors ({@code ulimit -n}) runs {@link FdExhaustionMain}.
 * A child process, because lowering this JVM's own limit would break the test run itself.
 */
class FdExhaustionTest extends RuntimeTestBase {

    /**
     * Packs the compiled classes into one jar, as an application ships them: loading a class from a directory needs
     * a fresh descriptor, which a process out of descriptors does not have (from an open jar it needs none).
     */
    private static Path jarOfClasses(Path dir) throws IOException {
        Path jar = dir.resolve("classes.jar");
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar))) {
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path root = Path.of(entry);
                if (!java.nio.file.Files.isDirectory(root)) {
                    continue;
                }
                try (var files = java.nio.file.Files.walk(root)) {
                    for (Path f : (Iterable<Path>) files.filter(java.nio.file.Files::isRegularFile)::iterator) {
                        out.putNextEntry(new java.util.jar.JarEntry(root.relativize(f).toString().replace('\\', '/')));
                        out.write(java.nio.file.Files.readAllBytes(f));
                        out.closeEntry();
                    }
                } catch (java.util.zip.ZipException duplicate) {
                    // the same resource in both class directories: the first one wins
                }
            }
        }
        return jar;
    }

    @Test
    void runningOutOfDescriptorsIsAClearErrorAndTheServerRecovers(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException, InterruptedException {
        String out = runLimited(dir, FdExhaustionMain.class);
        assertTrue(out.contains("OK opened="), out);
        assertTrue(out.contains("too many open files (raise ulimit -n)"), out);
    }

    /**
     * The retrying accept while descriptors are short ({@link AcceptBackoffMain}): failed accepts logged at most once
     * a second with a count, few accepts tried per second, and every client queued meanwhile served once connections
     * close (their released descriptors resume the paused accept).
     */
    @Test
    void aRetryingAcceptBacksOffWhileOutOfDescriptorsAndServesTheBacklogAfter(
            @org.junit.jupiter.api.io.TempDir Path dir) throws IOException, InterruptedException {
        String out = runLimited(dir, AcceptBackoffMain.class);
        assertTrue(out.contains("OK filler=") && out.contains("served=" + AcceptBackoffMain.QUEUED), out);
    }

    /** Runs {@code main} in a child JVM limited to 256 descriptors; returns its output once it exited with 0. */
    private static String runLimited(Path dir, Class<?> main) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = jarOfClasses(dir).toString();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "ulimit -n 256 && exec \"$0\" -cp \"$1\" \"$2\"", java, cp, main.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out;
        try (var in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ended");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
