package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Task;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves that this run's async methods were compiled the way {@code cortado.async.mode} says. */
class ModeTest extends AsyncTestBase {
    static Future<Integer> sample(int x) {
        await(Task.yieldNow());
        return Async.done(x + 1);
    }

    private static boolean agentLoaded() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return args.stream().anyMatch(a -> a.startsWith("-javaagent:") && a.contains("cortado-async-compiler"));
    }

    @Test
    void theModeIsReal() throws Exception {
        Future<Integer> f = sample(41);
        Class<?> frame = f.getClass();
        String simple = frame.getName().substring(frame.getName().lastIndexOf('.') + 1);
        assertEquals("ModeTest$async$sample$0", simple, "the async method returned its frame");
        assertEquals(ModeTest.class.getClassLoader(), frame.getClassLoader());
        assertEquals(42, run(f));

        Path classes = Path.of(System.getProperty("cortado.async.classes"));
        Path here = Path.of(ModeTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertEquals(classes.toRealPath(), here.toRealPath(), "the test classes come from " + classes);
        Path frameFile = classes.resolve(frame.getName().replace('.', '/') + ".class");
        switch (mode()) {
            case "plugin" -> {
                assertTrue(Files.isRegularFile(frameFile), "the plugin wrote " + frameFile);
                assertNotNull(ModeTest.class.getResource(simple + ".class"));
                assertFalse(agentLoaded(), "no agent in plugin mode");
            }
            case "agent" -> {
                assertFalse(Files.exists(frameFile), "no frame files in agent mode: " + frameFile);
                assertNull(ModeTest.class.getResource(simple + ".class"), "the frame has no class file");
                assertTrue(agentLoaded(), "the agent is loaded");
                // defined at run time, from the host's static initialiser, in the host's loader and package
                assertEquals(frame, Class.forName(frame.getName(), false, ModeTest.class.getClassLoader()));
                assertEquals(ModeTest.class.getPackage(), frame.getPackage());
            }
            default -> throw new AssertionError("cortado.async.mode is " + mode() + ": run through Maven");
        }
    }
}
