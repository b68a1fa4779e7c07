package io.cortado.slf4j;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.trace.Level;
import io.cortado.trace.Span;
import io.cortado.trace.Tracer;
import io.cortado.trace.Tracing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cortado events through SLF4J into logback: loggers, levels, fields, the MDC span context, filtering. */
class Slf4jSubscriberTest extends io.cortado.testing.RuntimeTestBase {
    static final Tracer LOG = Tracing.tracer("test.app");
    static final Tracer MUTED = Tracing.tracer("muted");

    /** What the appender saw, copied on the logging thread (logback fills an event's MDC lazily). */
    record Record(String logger, ch.qos.logback.classic.Level level, String message, Map<String, String> mdc,
                  List<KeyValuePair> keyValues, String thread) {
    }

    static final class Capture extends AppenderBase<ILoggingEvent> {
        final List<Record> records = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            records.add(new Record(e.getLoggerName(), e.getLevel(), e.getFormattedMessage(),
                    Map.copyOf(e.getMDCPropertyMap()),
                    e.getKeyValuePairs() == null ? List.of() : List.copyOf(e.getKeyValuePairs()),
                    e.getThreadName()));
        }
    }

    private Capture capture;
    private ch.qos.logback.classic.Logger root;

    @BeforeEach
    void attach() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture = new Capture();
        capture.setContext(ctx);
        capture.start();
        root.addAppender(capture);
        MDC.clear();
    }

    @AfterEach
    void detach() {
        root.detachAppender(capture);
        capture.stop();
    }

    /** Yields {@code n} times, logging "poll" with its task number on each poll and noting the MDC after it. */
    static Future<Integer> chatty(int task, int n, List<Map<String, String>> mdcAfter) {
        int[] left = {n};
        return cx -> {
            LOG.info("poll", "task", task);
            Map<String, String> m = MDC.getCopyOfContextMap();
            mdcAfter.add(m == null ? Map.of() : m);
            if (left[0]-- > 0) {
                cx.waker().wake();
                return Poll.pending();
            }
            return Poll.ready(task);
        };
    }

    @Test
    void instrumentedTasksOnAMultiThreadRuntimeLogWithTheirSpanInTheMdc() throws Exception {
        int tasks = 16;
        int polls = 10;
        List<Map<String, String>> mdcAfter = new CopyOnWriteArrayList<>();
        List<Span> spans = new ArrayList<>();
        try (AutoCloseable _ = Tracing.install(new Slf4jSubscriber());
             AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
            Span request = LOG.span(Level.INFO, "request", "request", "r1", "task", "outer");
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            request.inScope(() -> {
                for (int i = 0; i < tasks; i++) {
                    Span s = LOG.span(Level.INFO, "task", "task", i);
                    spans.add(s);
                    hs.add(rt.spawn(chatty(i, polls, mdcAfter).instrument(s)));
                }
            });
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
            request.close();
        }
        List<Record> polls0 = capture.records.stream().filter(r -> r.message().startsWith("poll ")).toList();
        assertEquals(tasks * (polls + 1), polls0.size());
        for (Record r : polls0) {
            assertEquals("test.app", r.logger());
            assertEquals(ch.qos.logback.classic.Level.INFO, r.level());
            String task = r.message().substring("poll task=".length());
            assertEquals("poll task=" + task, r.message());
            assertEquals("task", r.mdc().get("span"), r.toString());
            assertEquals(task, r.mdc().get("span.task"), "the inner span's field wins, and is its own task's: " + r);
            assertEquals("r1", r.mdc().get("span.request"), "the parent span's fields are there too: " + r);
            assertEquals(String.valueOf(spans.get(Integer.parseInt(task)).id()), r.mdc().get("span.id"));
            assertEquals(4, r.mdc().size(), r.toString());
            assertTrue(r.thread().startsWith("cortado"), "logged on the worker that polled: " + r.thread());
        }
        assertEquals(tasks * (polls + 1), mdcAfter.size());
        for (Map<String, String> m : mdcAfter) {
            assertTrue(m.isEmpty(), "a span stayed in a worker's MDC: " + m);
        }
    }

    @Test
    void levelsMapOneToOne() throws Exception {
        Tracer t = Tracing.tracer("test.levels");
        try (AutoCloseable _ = Tracing.install(new Slf4jSubscriber())) {
            t.trace("t");
            t.debug("d");
            t.info("i");
            t.warn("w");
            t.error("e");
        }
        assertEquals(List.of("TRACE t", "DEBUG d", "INFO i", "WARN w", "ERROR e"),
                capture.records.stream().map(r -> r.level() + " " + r.message()).toList());
        assertEquals(List.of("test.levels"),
                capture.records.stream().map(Record::logger).distinct().toList());
        for (Level l : Level.values()) {
            assertEquals(l.name(), Slf4jSubscriber.toSlf4j(l).name());
        }
    }

    @Test
    void theLoggersLevelFiltersBeforeTheEventIsBuilt() throws Exception {
        try (AutoCloseable _ = Tracing.install(new Slf4jSubscriber())) {
            assertFalse(MUTED.isEnabled(Level.INFO), "logger 'muted' is at WARN in logback-test.xml");
            assertTrue(MUTED.isEnabled(Level.WARN));
            assertTrue(LOG.isEnabled(Level.TRACE));
            assertFalse(MUTED.span(Level.INFO, "quiet").isEnabled(), "no span below the logger's level");
            MUTED.info("dropped", "k", 1);
            MUTED.warn("kept", "k", 2);
        }
        assertEquals(List.of("kept k=2"), capture.records.stream().map(Record::message).toList());
    }

    @Test
    void maxLevelTurnsVerboseCallSitesOffAtTheComparison() throws Exception {
        try (AutoCloseable _ = Tracing.install(new Slf4jSubscriber(Level.INFO))) {
            assertFalse(Tracing.isOn(Level.DEBUG));
            assertTrue(Tracing.isOn(Level.INFO));
            LOG.debug("dropped");
            LOG.info("kept");
        }
        assertEquals(List.of("kept"), capture.records.stream().map(Record::message).toList());
    }

    @Test
    void theCallersMdcIsPutBackAfterTheEvent() throws Exception {
        MDC.put("span", "caller's");
        MDC.put("request", "r9");
        try (AutoCloseable _ = Tracing.install(new Slf4jSubscriber())) {
            Span s = LOG.span(Level.INFO, "work", "user", "ann");
            s.inScope(() -> LOG.info("inside"));
            s.close();
            LOG.info("outside");
        }
        assertEquals(Map.of("span", "caller's", "request", "r9"), MDC.getCopyOfContextMap());
        Record inside = capture.records.get(0);
        assertEquals("work", inside.mdc().get("span"));
        assertEquals("ann", inside.mdc().get("span.user"));
        assertEquals("r9", inside.mdc().get("request"), "other MDC keys are left alone");
        assertEquals(Map.of("span", "caller's", "request", "r9"), capture.records.get(1).mdc(),
                "an event outside any span adds nothing");
        MDC.clear();
    }

    @Test
    void fieldsCanGoAsKeyValuePairsAndABadToStringDoesNotThrow() throws Exception {
        Object bad = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }
        };
        try (AutoCloseable _ = Tracing.install(new Slf4jSubscriber(LoggerFactory.getILoggerFactory(),
                Level.TRACE, Slf4jSubscriber.FieldStyle.KEY_VALUES))) {
            LOG.info("hello {}", "n", 3, "who", "world");
        }
        try (AutoCloseable _ = Tracing.install(new Slf4jSubscriber())) {
            LOG.info("bad", "v", bad);
            Span s = LOG.span(Level.INFO, "s", "v", bad);
            s.inScope(() -> LOG.info("in bad span"));
            s.close();
        }
        Record kv = capture.records.get(0);
        assertEquals("hello {}", kv.message(), "the message is not a format string, and fields are not in it");
        assertEquals("n=3 who=world", kv.keyValues().stream().map(p -> p.key + "=" + p.value)
                .collect(Collectors.joining(" ")));
        assertEquals("bad v=<toString threw java.lang.IllegalStateException>", capture.records.get(1).message());
        assertEquals("<toString threw java.lang.IllegalStateException>", capture.records.get(2).mdc().get("span.v"));
        assertNull(MDC.getCopyOfContextMap() == null ? null : MDC.get("span"));
    }
}
