package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.JoinSet;
import io.cortado.Task;
import io.cortado.TaskDump;
import io.cortado.fs.Fs;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.process.Command;
import io.cortado.process.Stdio;
import io.cortado.signal.Signal;
import io.cortado.signal.SignalKind;
import io.cortado.stream.FlowAdapters;
import io.cortado.sync.Barrier;
import io.cortado.sync.Broadcast;
import io.cortado.sync.CancellationToken;
import io.cortado.sync.Mpsc;
import io.cortado.sync.Mutex;
import io.cortado.sync.Notify;
import io.cortado.sync.OnceCell;
import io.cortado.sync.Oneshot;
import io.cortado.sync.RwLock;
import io.cortado.sync.Semaphore;
import io.cortado.sync.Watch;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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

    /**
     * One task parked on each leaf future the project ships (besides the four above): each must tell the dump what it
     * waits on, in words that name the primitive and its state. Every task is checked and all misses are reported
     * together, so a primitive that does not report fails the test by name.
     */
    @Test
    void everyLeafFutureReportsWhatItWaitsOn() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build();
             Signal usr1 = Signal.of(SignalKind.USR1);
             SubmissionPublisher<String> publisher = new SubmissionPublisher<>()) {
            Map<String, String> expected = new LinkedHashMap<>(); // task name -> what its dump line must start with
            List<JoinHandle<?>> tasks = new ArrayList<>();

            Oneshot.Channel<String> oneshot = Oneshot.channel();
            tasks.add(park(rt, "oneshot-receiver", oneshot.receiver()));
            expected.put("oneshot-receiver", "Oneshot.Receiver[waiting for the value]");
            Oneshot.Channel<String> oneshot2 = Oneshot.channel();
            tasks.add(park(rt, "oneshot-sender-closed", oneshot2.sender().closed()));
            expected.put("oneshot-sender-closed", "Oneshot.Sender.closed");

            Mutex<Integer> mutex = new Mutex<>(0);
            Mutex.Guard<Integer> held = mutex.tryLock();
            tasks.add(park(rt, "mutex", mutex.lock()));
            expected.put("mutex", "Mutex.lock on Mutex[locked, waiters]");

            RwLock<Integer> writeHeld = new RwLock<>(0);
            RwLock.WriteGuard<Integer> writer = writeHeld.tryWrite();
            tasks.add(park(rt, "rwlock-read", writeHeld.read()));
            expected.put("rwlock-read", "RwLock.read on RwLock[locked, waiters]");
            RwLock<Integer> readHeld = new RwLock<>(0);
            RwLock.ReadGuard<Integer> reader = readHeld.tryRead();
            tasks.add(park(rt, "rwlock-write", readHeld.write()));
            expected.put("rwlock-write", "RwLock.write on RwLock[locked, waiters]");

            Semaphore semaphore = new Semaphore(1);
            tasks.add(park(rt, "semaphore", semaphore.acquire(2)));
            expected.put("semaphore", "Semaphore.acquire(2, collected 1) on Semaphore[permits=0, waiters]");

            Notify notify = new Notify();
            tasks.add(park(rt, "notify", notify.notified()));
            expected.put("notify", "Notify.notified on Notify[waiters]");

            Broadcast.Channel<String> broadcast = Broadcast.channel(4);
            tasks.add(park(rt, "broadcast", broadcast.receiver().recv()));
            expected.put("broadcast", "Broadcast.Receiver.recv[next message 0, sent 0, senders 1]");

            Watch.Channel<String> watch = Watch.channel("first");
            tasks.add(park(rt, "watch", watch.receiver().changed()));
            expected.put("watch", "Watch.Receiver.changed[seen value 0, latest 0]");

            Barrier barrier = new Barrier(2);
            tasks.add(park(rt, "barrier", barrier.await()));
            expected.put("barrier", "Barrier.await[arrived 1 of 2]");

            OnceCell<String> cell = new OnceCell<>();
            tasks.add(park(rt, "oncecell-initialiser", cell.getOrInit(Futures::pending)));
            expected.put("oncecell-initialiser", "Futures.pending() (never completes)");
            awaitCondition(() -> parked(rt, "oncecell-initialiser"), "the initialiser runs (the waiter comes second)");
            tasks.add(park(rt, "oncecell-waiter", cell.getOrInit(() -> Futures.ready("never used"))));
            expected.put("oncecell-waiter", "OnceCell.getOrInit: another caller's initialiser runs");

            CancellationToken token = new CancellationToken();
            tasks.add(park(rt, "token", token.child().cancelled()));
            expected.put("token", "CancellationToken.cancelled[not cancelled, a child token]");

            tasks.add(park(rt, "joinset", Futures.lazy(() -> {
                JoinSet<Object> set = new JoinSet<>();
                set.spawn(Futures.pending());
                return set;
            }).then(JoinSet::joinNext)));
            expected.put("joinset", "JoinSet.joinNext[members=1, none finished]");

            tasks.add(park(rt, "pending", Futures.pending()));
            expected.put("pending", "Futures.pending() (never completes)");

            tasks.add(park(rt, "completion-stage", Futures.fromCompletionStage(new CompletableFuture<String>())));
            expected.put("completion-stage", "CompletionStage java.util.concurrent.CompletableFuture");

            tasks.add(park(rt, "flow", FlowAdapters.toStream(publisher, 1).next()));
            expected.put("flow", "FlowAdapters.toStream: waiting for the publisher's onNext");

            tasks.add(park(rt, "signal", usr1.recv()));
            expected.put("signal", "Signal[SIGUSR1]");

            Command sleeper = new Command("sleep").arg("100").stdout(Stdio.NULL).stderr(Stdio.NULL)
                    .killOnCancel(true);
            tasks.add(park(rt, "child", Futures.lazy(() -> sleeper.spawn()).then(c -> c.waitFor())));
            expected.put("child", "exit of child sleep");

            Path fifo = Files.createTempDirectory("cortado-dump").resolve("fifo"); // open() blocks until a writer
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor(), "mkfifo");
            JoinHandle<byte[]> fs = park(rt, "fs", Fs.readAllBytes(fifo));
            expected.put("fs", "blocking filesystem call: read " + fifo);

            awaitCondition(() -> rt.handle().dump().tasks().stream()
                    .filter(t -> expected.containsKey(t.name()))
                    .filter(TaskDumpTest::parked)
                    .count() == expected.size(), "every task polled and parked");
            TaskDump dump = rt.handle().dump();
            List<String> misses = new ArrayList<>();
            for (var e : expected.entrySet()) {
                String w = dump.tasks().stream().filter(t -> t.name().equals(e.getKey())).findFirst()
                        .map(TaskDump.Task::waitingOn).orElse(null);
                if (w == null || !w.startsWith(e.getValue())) {
                    misses.add(e.getKey() + " reports " + w + ", expected " + e.getValue() + "...");
                }
            }
            if (!misses.isEmpty()) {
                fail(misses.size() + " of " + expected.size() + " leaf futures do not report:\n  "
                        + String.join("\n  ", misses) + "\n" + dump);
            }

            tasks.forEach(JoinHandle::abort);
            try (var fifoWriter = new java.io.FileOutputStream(fifo.toFile())) {
                fifoWriter.flush(); // opening the write end lets the blocked open() return; closing it ends the read
            }
            assertEquals(0, rt.blockOn(fs).length);
            Files.delete(fifo);
            Files.delete(fifo.getParent());
            held.close();
            writer.close();
            reader.close();
        }
    }

    private static <T> JoinHandle<T> park(AsyncRuntime rt, String name, Future<T> future) {
        return Task.builder().name(name).spawnOn(rt.handle(), future);
    }

    /** @return whether the task was polled and is idle: its poll returned Pending, whether it reported or not */
    private static boolean parked(AsyncRuntime rt, String name) {
        return rt.handle().dump().tasks().stream().anyMatch(t -> name.equals(t.name()) && parked(t));
    }

    private static boolean parked(TaskDump.Task t) {
        return t.state().equals("idle") && t.sinceLastPoll() != null;
    }
}
