package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.cortado.TaskDump;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.sync.Mpsc;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Handle.dump()}: every live task, and what it waits on. */
class TaskDumpTest extends RuntimeTestBase {

    @Test
    void theDumpShowsEachTaskAndWhatItWaitsOn() {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).captureSpawnLocations(true)
                .build()) {
            Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
            JoinHandle<Integer> consumer = Task.builder().name("consumer").spawnOn(rt.handle(), ch.receiver().recv());
            JoinHandle<Void> sleeper = Task.builder().name("sleeper")
                    .spawnOn(rt.handle(), Futures.lazy(() -> Sleep.sleep(Duration.ofHours(1))).then(s -> s));
            JoinHandle<Integer> joiner = Task.builder().name("joiner").spawnOn(rt.handle(), consumer.map(v -> v));
            TcpListener l = TcpListener.bind(rt.handle(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            TcpStream client = rt.blockOn(TcpStream.connect(l.localAddress()));
            TcpStream server = rt.blockOn(l.accept());
            JoinHandle<Integer> reader = Task.builder().name("reader")
                    .spawnOn(rt.handle(), server.read(ByteBuffer.allocate(8)));

            awaitCondition(() -> rt.handle().dump().tasks().stream()
                    .filter(t -> t.waitingOn() != null).count() == 4, "all four waiting");
            TaskDump dump = rt.handle().dump();
            Map<String, TaskDump.Task> byName = dump.tasks().stream()
                    .collect(Collectors.toMap(TaskDump.Task::name, Function.identity()));
            assertTrue(byName.get("consumer").waitingOn().contains("Mpsc"), byName.get("consumer").waitingOn());
            assertTrue(byName.get("sleeper").waitingOn().startsWith("Sleep["), byName.get("sleeper").waitingOn());
            assertTrue(byName.get("joiner").waitingOn().startsWith("Task["), byName.get("joiner").waitingOn());
            assertTrue(byName.get("reader").waitingOn().contains("I/O readiness of TCP stream"),
                    byName.get("reader").waitingOn());
            assertEquals("idle", byName.get("consumer").state());
            assertTrue(byName.get("consumer").id() > 0);
            for (TaskDump.Task t : dump.tasks()) {
                assertTrue(t.spawnedAt().startsWith(TaskDumpTest.class.getName() + ".theDumpShowsEachTaskAndWhatItWaitsOn("),
                        "the spawn location is the test's line, not the runtime's: " + t.spawnedAt());
                assertTrue(t.sinceLastPoll() != null && t.sinceLastPoll().compareTo(Duration.ofMinutes(1)) < 0,
                        t + ": polled once, moments ago");
            }
            // The consumer stays idle: the time since its last poll grows.
            awaitCondition(() -> rt.handle().dump().tasks().stream().filter(t -> t.name().equals("consumer"))
                    .allMatch(t -> t.sinceLastPoll().toMillis() >= 30), "30 ms since the consumer's poll");
            String text = rt.handle().dump().toString();
            assertTrue(text.contains("live tasks") && text.contains("consumer") && text.contains("waiting on")
                    && text.contains("last polled") && text.contains("spawned at"), text);

            ch.sender().trySend(7);
            assertEquals(7, rt.blockOn(joiner));
            assertTrue(rt.handle().dump().tasks().stream().noneMatch(t -> t.name().equals("consumer")),
                    "a completed task leaves the dump");
            sleeper.abort();
            reader.abort();
            client.close();
            server.close();
            l.close();
        }
    }

    @Test
    void aTaskNeverPolledHasNoLastPollAndNoLocationUnlessAsked() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            JoinHandle<Integer> h = Task.builder().name("queued").spawnOn(rt.handle(), Futures.ready(3));
            TaskDump.Task t = rt.handle().dump().tasks().getFirst(); // spawned from outside, not yet driven
            assertEquals("scheduled", t.state());
            assertNull(t.sinceLastPoll(), "never polled");
            assertNull(t.spawnedAt(), "spawn locations are captured only when the builder asks");
            assertEquals(3, rt.blockOn(h));
        }
    }
}
