package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.JoinHandle;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JfrSubscriber: events and spans of instrumented tasks on a multi-thread runtime, read back from a recording. */
class JfrSubscriberTest extends SubscriberTestBase {
    static final Tracer LOG = Tracing.tracer("test.jfr");

    @Test
    void eventsAndSpansOfInstrumentedTasksAreRecorded(@TempDir Path dir) throws Exception {
        int tasks = 16;
        int polls = 5;
        JfrSubscriber jfr = JfrSubscriber.create(Level.DEBUG);
        Path file = dir.resolve("cortado.jfr");
        List<Span> spans = new ArrayList<>();
        Span root;
        try (Recording recording = new Recording()) {
            recording.enable("cortado.Event");
            recording.enable("cortado.Span");
            recording.start();
            installed = Tracing.install(jfr);
            root = LOG.span(Level.INFO, "batch", "size", tasks);
            try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                root.inScope(() -> {
                    for (int i = 0; i < tasks; i++) {
                        Span s = LOG.span(Level.INFO, "task", "task", i, "note", "a \"quoted\" value");
                        spans.add(s);
                        hs.add(rt.spawn(chatty(i, polls).instrument(s)));
                    }
                });
                for (JoinHandle<Integer> h : hs) {
                    rt.blockOn(h);
                }
            }
            LOG.trace("below the subscriber's level");
            LOG.warn("outside", "k", 1);
            root.close();
            recording.stop();
            recording.dump(file);
        }
        assertEquals(0, jfr.openSpans(), "every span was closed");

        List<RecordedEvent> all = RecordingFile.readAllEvents(file);
        // only this test's events: the runtime's own (target cortado.runtime, DEBUG) are recorded too
        List<RecordedEvent> events = all.stream().filter(e -> e.getEventType().getName().equals("cortado.Event"))
                .filter(e -> e.getString("target").equals("test.jfr")).toList();
        assertTrue(all.stream().anyMatch(e -> e.getEventType().getName().equals("cortado.Event")
                && e.getString("target").equals("cortado.runtime")), "the runtime's task events are recorded");
        List<RecordedEvent> spanEvents = all.stream()
                .filter(e -> e.getEventType().getName().equals("cortado.Span")).toList();

        assertEquals(tasks * (polls + 1) + 1, events.size(), "every event, none below DEBUG");
        Map<Long, Long> spanIdOfTask = new HashMap<>();
        for (Span s : spans) {
            spanIdOfTask.put(((Integer) s.fields().get(0).value()).longValue(), s.id());
        }
        int polled = 0;
        for (RecordedEvent e : events) {
            assertEquals("Cortado", e.getEventType().getCategoryNames().get(0));
            assertEquals("test.jfr", e.getString("target"));
            if (e.getString("message").equals("outside")) {
                assertEquals("WARN", e.getString("level"));
                assertEquals("k=1", e.getString("fields"));
                assertEquals(0L, e.getLong("spanId"));
                continue;
            }
            polled++;
            assertEquals("poll", e.getString("message"));
            assertEquals("DEBUG", e.getString("level"));
            String fields = e.getString("fields");
            assertTrue(fields.matches("task=\\d+"), fields);
            long task = Long.parseLong(fields.substring("task=".length()));
            assertEquals(spanIdOfTask.get(task), e.getLong("spanId"), "the event carries its own task's span");
            assertEquals("task", e.getString("spanName"));
            assertEquals("batch > task", e.getString("spanPath"));
            assertNotNull(e.getThread());
            assertTrue(e.getThread().getJavaName().startsWith("cortado"), e.getThread().getJavaName());
        }
        assertEquals(tasks * (polls + 1), polled);

        assertEquals(tasks + 1, spanEvents.size(), "one per span");
        Map<Long, RecordedEvent> byId = new HashMap<>();
        spanEvents.forEach(e -> byId.put(e.getLong("spanId"), e));
        for (Span s : spans) {
            RecordedEvent e = byId.get(s.id());
            assertNotNull(e, "span " + s);
            assertEquals("task", e.getString("name"));
            assertEquals("test.jfr", e.getString("target"));
            assertEquals("INFO", e.getString("level"));
            assertEquals(root.id(), e.getLong("parentId"));
            assertEquals("task=" + s.fields().get(0).value() + " note=\"a \\\"quoted\\\" value\"",
                    e.getString("fields"));
            assertEquals(polls + 1, e.getInt("polls"), "entered around every poll");
            Duration busy = e.getDuration("busy");
            assertTrue(busy.toNanos() > 0 && busy.compareTo(e.getDuration()) <= 0, busy + " of " + e.getDuration());
        }
        RecordedEvent batch = byId.get(root.id());
        assertEquals("batch", batch.getString("name"));
        assertEquals(0L, batch.getLong("parentId"));
        assertEquals(1, batch.getInt("polls"));
        assertEquals("size=" + tasks, batch.getString("fields"));
    }

    @Test
    void withoutARecordingItIsDisabledSoProducersBuildNothing() {
        JfrSubscriber jfr = JfrSubscriber.create();
        installed = Tracing.install(jfr);
        assertEquals(Level.DEBUG, jfr.maxLevel());
        assertFalse(jfr.enabled(Level.ERROR, "test.jfr"));
        assertFalse(LOG.isEnabled(Level.ERROR));
        assertSame(Span.NONE, LOG.span(Level.ERROR, "nothing"));
        LOG.error("nothing");
        assertEquals(0, jfr.openSpans());
    }

    /** Yields {@code n} times, emitting a DEBUG event on every poll. */
    static io.cortado.Future<Integer> chatty(int task, int n) {
        int[] left = {n};
        return cx -> {
            LOG.debug("poll", "task", task);
            if (left[0]-- > 0) {
                cx.waker().wake();
                return io.cortado.Poll.pending();
            }
            return io.cortado.Poll.ready(task);
        };
    }
}
