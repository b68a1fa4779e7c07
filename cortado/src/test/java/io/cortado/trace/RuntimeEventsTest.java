package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime instruments itself under the target "cortado.runtime". */
class RuntimeEventsTest extends RuntimeTestBase {

    @Test
    void tasksWorkersAndBlockingWorkReportTheirLifeCycle() throws Exception {
        TracingTest.Recorder r = new TracingTest.Recorder(Level.TRACE);
        AutoCloseable installed = Tracing.install(r);
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            JoinHandle<Integer> ok = rt.handle().spawn(TracingTest.chatty(1, 3));
            JoinHandle<Integer> bad = rt.spawn(Futures.lazy(() -> {
                throw new IllegalStateException("boom");
            }));
            JoinHandle<Void> forever = rt.spawn(Futures.pending());
            rt.blockOn(ok);
            assertThrows(JoinException.class, () -> rt.blockOn(bad));
            assertEquals("blocking", rt.blockOn(rt.handle().spawnBlocking(() -> "blocking")));
            forever.abort();
            assertThrows(JoinException.class, () -> rt.blockOn(forever));
            long okId = ((io.cortado.internal.task.TaskCell<?>) ok).id();
            // a poll that runs a measured 5 ms (busy, so the time is spent inside the poll): its event says so
            long[] spun = new long[1];
            long slowStarted = System.nanoTime();
            JoinHandle<Integer> slow = rt.spawn(Futures.lazy(() -> {
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 5_000_000L) {
                    Thread.onSpinWait();
                }
                spun[0] = System.nanoTime() - t0;
                return 1;
            }));
            rt.blockOn(slow);
            long slowWall = System.nanoTime() - slowStarted;
            long slowId = ((io.cortado.internal.task.TaskCell<?>) slow).id();
            // a task woken from another thread (not a yield): wait until it polled once and waits, then send
            io.cortado.sync.Oneshot.Channel<Integer> ch = io.cortado.sync.Oneshot.channel();
            JoinHandle<Integer> waiter = rt.spawn(ch.receiver());
            long waiterId = ((io.cortado.internal.task.TaskCell<?>) waiter).id();
            awaitCondition(() -> r.events.stream().anyMatch(e -> e.message().equals("task polled")
                    && e.field("task").equals(waiterId)), "the waiter's first poll");
            ch.sender().send(5);
            assertEquals(5, rt.blockOn(waiter));

            List<Event> rt0 = r.events.stream().filter(e -> e.target().equals("cortado.runtime")).toList();
            Set<String> kinds = rt0.stream().map(Event::message).collect(Collectors.toSet());
            for (String k : List.of("task spawned", "task polled", "task woken", "task completed", "task failed",
                    "task cancelled", "worker parked", "worker unparked", "blocking work started",
                    "blocking work finished")) {
                assertTrue(kinds.contains(k), "no '" + k + "' event in " + kinds);
            }
            List<Event> okPolls = rt0.stream()
                    .filter(e -> e.message().equals("task polled") && e.field("task").equals(okId)).toList();
            assertEquals(4, okPolls.size(), "one event per poll of the task");
            for (int i = 0; i < 3; i++) {
                assertEquals(Boolean.FALSE, okPolls.get(i).field("ready"), "poll " + i + " yielded");
            }
            Event slowPoll = rt0.stream().filter(e -> e.message().equals("task polled")
                    && e.field("task").equals(slowId)).findFirst().orElseThrow();
            long ns = (Long) slowPoll.field("ns");
            assertTrue(ns >= spun[0] && ns <= slowWall, "the poll's time, " + ns + " ns, counts the " + spun[0]
                    + " ns spent inside it and no more than the " + slowWall + " ns the task existed");
            assertEquals(Boolean.TRUE, okPolls.get(3).field("ready"));
            Event failed = rt0.stream().filter(e -> e.message().equals("task failed")).findFirst().orElseThrow();
            assertTrue(String.valueOf(failed.field("error")).contains("boom"));
        } finally {
            installed.close();
        }
    }
}
