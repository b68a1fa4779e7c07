package io.cortado.test;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

import static io.cortado.test.EngineKit.assertSucceeded;
import static io.cortado.test.EngineKit.failure;
import static io.cortado.test.EngineKit.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's leak checks: tasks alive after the future, threads after the shutdown, descriptors not closed. */
class LeakChecksTest extends RuntimeTestBase {

    @Test
    void aTaskLeftSleepingIsReportedByName() {
        Throwable t = failure(run(Leaks.class, "forgetsATask"));
        assertInstanceOf(AssertionError.class, t);
        String m = t.getMessage();
        assertTrue(m.startsWith("1 task(s) of @CortadoTest method " + Leaks.class.getName() + ".forgetsATask() "
                + "still alive after its future completed: await or abort every task the test spawns"), m);
        assertTrue(m.matches("(?s).*#\\d+ +idle +DATA +forgotten-sleeper .*waiting on Sleep\\[.*"), m);
    }

    @Test
    void aTaskLeakIsReportedOnTopOfTheTestsOwnFailure() {
        Throwable t = failure(run(Leaks.class, "failsAndForgetsATask"));
        assertEquals("the test's own failure", t.getMessage());
        assertEquals(1, t.getSuppressed().length);
        assertTrue(t.getSuppressed()[0].getMessage().contains("forgotten-too"), t.getSuppressed()[0].getMessage());
    }

    @Test
    void tasksThatEndOnceTheyGetTheirTurnAreNotLeaks() {
        // aborted (the cancellation runs on the runtime) and fire-and-forget tasks that were never polled: on the
        // current-thread runtime neither has run when the test's future completes
        assertSucceeded(run(Leaks.class, "abortsAndForgetsFinishingTasks"));
        assertSucceeded(run(Leaks.class, "abortsAndForgetsFinishingTasksOnWorkers"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aFileChannelLeftOpenIsReportedWithItsPath() throws IOException {
        try {
            Throwable t = failure(run(Leaks.class, "leavesAFileOpen"));
            String m = t.getMessage();
            assertTrue(m.startsWith("file descriptors opened during @CortadoTest method " + Leaks.class.getName()
                    + ".leavesAFileOpen() and not closed: file: "), m);
            assertTrue(m.matches("(?s).*file: \\d+ -> \\d+ \\[" + Pattern.quote(Leaks.path.toString()) + "].*"), m);
        } finally {
            Leaks.channel.close();
            Files.delete(Leaks.path);
        }
    }

    @Test
    void aThreadOfTheTestThatOutlivesItsRuntimeIsReported() throws InterruptedException {
        Leaks.release = new CountDownLatch(1);
        try {
            Throwable t = failure(EngineKit.runLeakingAThread(Leaks.class, "startsAThread"));
            String m = t.getMessage();
            assertTrue(m.startsWith("threads of @CortadoTest method " + Leaks.class.getName() + ".startsAThread() "
                    + "still alive " + EngineKit.SHORT_GRACE_MILLIS + "ms after its runtime shut down:"), m);
            assertTrue(m.matches("(?s).*\"cortado-test-\\d+-stray\" WAITING\\s+at .*CountDownLatch\\.await.*"), m);
        } finally {
            Leaks.release.countDown();
            Leaks.stray.join();
        }
    }

    static class Leaks extends Fixture {
        static volatile Path path;
        static volatile FileChannel channel;
        static volatile CountDownLatch release;
        static volatile Thread stray;

        @CortadoTest
        Future<Void> forgetsATask() {
            Task.builder().name("forgotten-sleeper").spawn(Sleep.sleep(Duration.ofDays(365)));
            return Futures.ready(null);
        }

        @CortadoTest
        Future<Void> failsAndForgetsATask() {
            Task.builder().name("forgotten-too").spawn(Futures.pending());
            return Futures.failed(new IllegalStateException("the test's own failure"));
        }

        @CortadoTest
        Future<Void> abortsAndForgetsFinishingTasks() {
            JoinHandle<Void> sleeper = Task.spawn(Sleep.sleep(Duration.ofDays(1)));
            return Task.yieldNow().map(v -> { // the sleeper registers its timer, then is aborted
                sleeper.abort();
                Task.spawn(Futures.lazy(() -> 1));
                return null;
            });
        }

        @CortadoTest(flavor = CortadoTest.Flavor.MULTI_THREAD)
        Future<Void> abortsAndForgetsFinishingTasksOnWorkers() {
            return abortsAndForgetsFinishingTasks();
        }

        @CortadoTest
        Future<Void> leavesAFileOpen() throws IOException {
            path = Files.createTempFile("cortado-test-leak", ".bin");
            channel = FileChannel.open(path, StandardOpenOption.WRITE);
            return Futures.ready(null);
        }

        @CortadoTest
        Future<Void> startsAThread() {
            String me = Thread.currentThread().getName(); // cortado-test-<n>-main
            stray = Thread.ofPlatform().name(me.substring(0, me.lastIndexOf('-')) + "-stray").start(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return Futures.ready(null);
        }
    }
}
