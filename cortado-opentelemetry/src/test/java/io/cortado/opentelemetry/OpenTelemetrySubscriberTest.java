package io.cortado.opentelemetry;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.trace.Level;
import io.cortado.trace.Span;
import io.cortado.trace.Tracer;
import io.cortado.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cortado spans and events exported through the OpenTelemetry SDK into an in-memory exporter. */
class OpenTelemetrySubscriberTest extends io.cortado.testing.RuntimeTestBase {
    static final Tracer LOG = Tracing.tracer("test.app");
    static final AttributeKey<String> LEVEL = AttributeKey.stringKey(OpenTelemetrySubscriber.ATTR_LEVEL);
    static final AttributeKey<String> TARGET = AttributeKey.stringKey(OpenTelemetrySubscriber.ATTR_TARGET);
    static final AttributeKey<String> THREAD = AttributeKey.stringKey(OpenTelemetrySubscriber.ATTR_THREAD);

    private InMemorySpanExporter exporter;
    private SdkTracerProvider provider;
    private OpenTelemetrySubscriber subscriber;

    @BeforeEach
    void sdk() {
        exporter = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        subscriber = new OpenTelemetrySubscriber(provider.get("cortado-test"));
    }

    @AfterEach
    void closeSdk() {
        provider.close();
    }

    /**
     * Yields {@code n} times, emitting "poll" with {@code task} on each poll and noting which OpenTelemetry span is
     * current during the poll.
     */
    static Future<Integer> chatty(int task, int n, Map<Integer, List<String>> currentOtel) {
        int[] left = {n};
        return cx -> {
            LOG.info("poll", "task", task);
            currentOtel.computeIfAbsent(task, k -> new CopyOnWriteArrayList<>())
                    .add(io.opentelemetry.api.trace.Span.current().getSpanContext().getSpanId());
            if (left[0]-- > 0) {
                cx.waker().wake();
                return Poll.pending();
            }
            return Poll.ready(task);
        };
    }

    @Test
    void aParentSpanWithInstrumentedChildTasksOnFourWorkers() throws Exception {
        int tasks = 8;
        int polls = 5;
        Map<Integer, List<String>> currentOtel = new ConcurrentHashMap<>();
        List<Boolean> plainTaskSawASpan = new CopyOnWriteArrayList<>();
        try (AutoCloseable _ = Tracing.install(subscriber);
             AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
            Span request = LOG.span(Level.INFO, "request", "request", "r1", "size", 3.5);
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            request.inScope(() -> {
                LOG.warn("accepted", "peer", "127.0.0.1", "port", 7000);
                for (int i = 0; i < tasks; i++) {
                    hs.add(rt.spawn(chatty(i, polls, currentOtel)
                            .instrument(LOG.span(Level.DEBUG, "child", "child", i, "odd", i % 2 == 1))));
                }
            });
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
            request.record("status", "ok");
            assertEquals(1, subscriber.openSpans(), "the children ended with their tasks; the request is open");
            request.close();
            // after the instrumented polls, no OpenTelemetry context is left current on the workers
            List<JoinHandle<Void>> plain = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                plain.add(rt.spawn(cx -> {
                    plainTaskSawASpan.add(io.opentelemetry.api.trace.Span.current().getSpanContext().isValid());
                    return Poll.ready(null);
                }));
            }
            for (JoinHandle<Void> h : plain) {
                rt.blockOn(h);
            }
        }
        assertEquals(0, subscriber.openSpans(), "no span left in the map");
        assertFalse(plainTaskSawASpan.contains(true), "an OpenTelemetry scope leaked onto a worker");

        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(tasks + 1, spans.size());
        SpanData request = spans.stream().filter(s -> s.getName().equals("request")).findFirst().orElseThrow();
        assertEquals(SpanId.getInvalid(), request.getParentSpanId(), "the request is a root");
        assertEquals("r1", request.getAttributes().get(AttributeKey.stringKey("request")));
        assertEquals(3.5, request.getAttributes().get(AttributeKey.doubleKey("size")));
        assertEquals("ok", request.getAttributes().get(AttributeKey.stringKey("status")), "recorded after creation");
        assertEquals("INFO", request.getAttributes().get(LEVEL));
        assertEquals("test.app", request.getAttributes().get(TARGET));
        assertEquals(1, appEvents(request).size());
        EventData accepted = appEvents(request).get(0);
        assertEquals("accepted", accepted.getName());
        assertEquals("127.0.0.1", accepted.getAttributes().get(AttributeKey.stringKey("peer")));
        assertEquals(7000L, accepted.getAttributes().get(AttributeKey.longKey("port")));
        assertEquals("WARN", accepted.getAttributes().get(LEVEL));

        List<SpanData> children = spans.stream().filter(s -> s.getName().equals("child")).toList();
        assertEquals(tasks, children.size());
        for (SpanData c : children) {
            assertEquals(request.getSpanId(), c.getParentSpanId(), "a child task's span is the request's child");
            assertEquals(request.getTraceId(), c.getTraceId());
            assertTrue(c.hasEnded());
            assertTrue(c.getEndEpochNanos() <= request.getEndEpochNanos());
            long child = c.getAttributes().get(AttributeKey.longKey("child"));
            assertEquals(child % 2 == 1, c.getAttributes().get(AttributeKey.booleanKey("odd")));
            assertEquals("DEBUG", c.getAttributes().get(LEVEL));
            assertEquals(polls + 1, appEvents(c).size());
            for (EventData e : appEvents(c)) {
                assertEquals("poll", e.getName());
                assertEquals(child, e.getAttributes().get(AttributeKey.longKey("task")), "an event in another task");
                assertEquals("INFO", e.getAttributes().get(LEVEL));
                assertEquals("test.app", e.getAttributes().get(TARGET));
                assertTrue(e.getAttributes().get(THREAD).startsWith("cortado"), "emitted on a worker");
            }
            assertEquals(List.of(c.getSpanId()), currentOtel.get((int) child).stream().distinct().toList(),
                    "the task's OpenTelemetry span is current in each of its polls");
        }
    }

    @Test
    void anAbortedTasksSpanEnds() throws Exception {
        try (AutoCloseable _ = Tracing.install(subscriber);
             AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            Span s = LOG.span(Level.INFO, "doomed", "id", 7);
            JoinHandle<Integer> h = rt.spawn(Futures.<Integer>pending().instrument(s));
            h.abort();
            JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(h));
            assertTrue(e.isCancelled());
            awaitCondition(s::isClosed, "the aborted task's span ends"); // yields: the worker closing it runs
        }
        assertEquals(0, subscriber.openSpans());
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(1, spans.size());
        assertEquals("doomed", spans.get(0).getName());
        assertEquals(7L, spans.get(0).getAttributes().get(AttributeKey.longKey("id")));
        assertTrue(spans.get(0).hasEnded());
    }

    @Test
    void aCortadoRootSpanJoinsTheCurrentOpenTelemetryTraceAndEventsOutsideSpansGoToIt() throws Exception {
        io.opentelemetry.api.trace.Span outer = provider.get("outer").spanBuilder("http").startSpan();
        try (AutoCloseable _ = Tracing.install(subscriber);
             io.opentelemetry.context.Scope _ = outer.makeCurrent()) {
            LOG.info("no cortado span", "k", "v");
            Span s = LOG.span(Level.INFO, "handler");
            assertNotNull(subscriber.otelSpan(s));
            s.close();
        } finally {
            outer.end();
        }
        SpanData http = exporter.getFinishedSpanItems().stream().filter(d -> d.getName().equals("http"))
                .findFirst().orElseThrow();
        SpanData handler = exporter.getFinishedSpanItems().stream().filter(d -> d.getName().equals("handler"))
                .findFirst().orElseThrow();
        assertEquals(http.getSpanId(), handler.getParentSpanId());
        assertEquals(List.of("no cortado span"), appEvents(http).stream().map(EventData::getName).toList());
    }

    @Test
    void maxLevelFiltersSpansAndEvents() throws Exception {
        OpenTelemetrySubscriber infoOnly = new OpenTelemetrySubscriber(provider.get("cortado-test"), Level.INFO);
        try (AutoCloseable _ = Tracing.install(infoOnly)) {
            assertFalse(Tracing.isOn(Level.DEBUG));
            Span quiet = LOG.span(Level.DEBUG, "quiet");
            assertFalse(quiet.isEnabled());
            Span loud = LOG.span(Level.INFO, "loud");
            loud.inScope(() -> {
                LOG.debug("dropped");
                LOG.info("kept");
            });
            loud.close();
        }
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertEquals(List.of("loud"), spans.stream().map(SpanData::getName).toList());
        assertEquals(List.of("kept"), appEvents(spans.get(0)).stream().map(EventData::getName).toList());
    }

    /** @return the span's events from this test's tracer (the runtime adds its own, target cortado.runtime) */
    static List<EventData> appEvents(SpanData span) {
        return span.getEvents().stream().filter(e -> "test.app".equals(e.getAttributes().get(TARGET))).toList();
    }
}
