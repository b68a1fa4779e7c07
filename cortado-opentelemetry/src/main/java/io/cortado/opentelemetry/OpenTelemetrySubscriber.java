package io.cortado.opentelemetry;

import io.cortado.trace.Event;
import io.cortado.trace.Field;
import io.cortado.trace.Level;
import io.cortado.trace.Span;
import io.cortado.trace.Subscriber;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tracing {@link Subscriber} that turns Cortado spans into OpenTelemetry spans and Cortado events into span
 * events:
 *
 * <pre>{@code
 * Tracer otel = openTelemetry.getTracer("my-service");
 * try (AutoCloseable t = Tracing.install(new OpenTelemetrySubscriber(otel))) { ... }
 * }</pre>
 *
 * <h2>Mapping</h2>
 * <ol>
 *   <li><b>Spans.</b> At {@link #spanCreated} an OpenTelemetry span is started with the Cortado span's name, start
 *       time and fields as attributes (plus {@value #ATTR_LEVEL}, {@value #ATTR_TARGET}, {@value #ATTR_SPAN_ID}). Its
 *       parent is the OpenTelemetry span of the Cortado parent ({@link Span#parent()}) when this subscriber knows it;
 *       otherwise (a root Cortado span, or a parent made before this subscriber was installed) it is OpenTelemetry's
 *       current context on the creating thread, so a Cortado span made inside, say, an instrumented HTTP handler
 *       joins that trace.</li>
 *   <li><b>Ending.</b> At {@link #spanClosed} (its future completed, failed or was cancelled, or
 *       {@link Span#close()}) the fields are written again, so those added with {@link Span#record} after creation
 *       are exported too, and the OpenTelemetry span is ended.</li>
 *   <li><b>Events.</b> An event inside a Cortado span known here becomes an event of its OpenTelemetry span: name =
 *       message, attributes = the fields plus {@value #ATTR_LEVEL}, {@value #ATTR_TARGET} and {@value #ATTR_THREAD},
 *       timestamp = the event's. An event outside any known span goes to OpenTelemetry's current span on that thread
 *       (a no-op if there is none).</li>
 *   <li><b>Context.</b> While a Cortado span is entered on a thread (around each poll of an instrumented future) its
 *       OpenTelemetry context is current there ({@link Context#makeCurrent()}), so OpenTelemetry-instrumented
 *       libraries called from the task parent their spans under it; the scope is closed at exit. Entries and exits
 *       nest per thread; an exit that does not match the thread's innermost entry (the subscriber was installed
 *       between them) is ignored.</li>
 *   <li><b>No leak.</b> The map from Cortado span id to OpenTelemetry span loses its entry at close. A span that is
 *       never closed (made with {@link io.cortado.trace.Tracer#span} and neither instrumented nor closed) stays,
 *       as its OpenTelemetry span stays unended: {@link #openSpans()} tells how many there are.</li>
 * </ol>
 *
 * <p>Attribute values: {@code Long}/{@code Integer}/{@code Short}/{@code Byte} become long attributes,
 * {@code Double}/{@code Float} double, {@code Boolean} boolean, anything else its {@code String.valueOf}; a null
 * value is skipped.
 *
 * <p>Guarded by {@code OpenTelemetrySubscriberTest}.
 */
public final class OpenTelemetrySubscriber implements Subscriber {
    /** The attribute holding the Cortado level. */
    public static final String ATTR_LEVEL = "cortado.level";
    /** The attribute holding the Cortado target. */
    public static final String ATTR_TARGET = "cortado.target";
    /** The span attribute holding the Cortado span id. */
    public static final String ATTR_SPAN_ID = "cortado.span.id";
    /** The event attribute holding the name of the thread the event happened on. */
    public static final String ATTR_THREAD = "thread.name";

    private final Tracer tracer;
    private final Level maxLevel;
    private final ConcurrentHashMap<Long, io.opentelemetry.api.trace.Span> spans = new ConcurrentHashMap<>();
    /** Per thread, the scopes of the entered spans, innermost last (rule 4). */
    private final ThreadLocal<ArrayDeque<Entered>> entered = ThreadLocal.withInitial(ArrayDeque::new);

    private record Entered(long spanId, Scope scope) {
    }

    /** A subscriber exporting every level. */
    public OpenTelemetrySubscriber(Tracer otelTracer) {
        this(otelTracer, Level.TRACE);
    }

    /**
     * @param otelTracer where spans are made
     * @param maxLevel   the most verbose level of spans and events to export
     */
    public OpenTelemetrySubscriber(Tracer otelTracer, Level maxLevel) {
        this.tracer = Objects.requireNonNull(otelTracer, "otelTracer");
        this.maxLevel = Objects.requireNonNull(maxLevel, "maxLevel");
    }

    @Override
    public Level maxLevel() {
        return maxLevel;
    }

    @Override
    public boolean enabled(Level level, String target) {
        return level.compareTo(maxLevel) >= 0;
    }

    /** @return how many Cortado spans have an OpenTelemetry span that is not ended yet */
    public int openSpans() {
        return spans.size();
    }

    /** @return the OpenTelemetry span of {@code span}, or {@code null} if it is closed or unknown here */
    public io.opentelemetry.api.trace.Span otelSpan(Span span) {
        return spans.get(span.id());
    }

    @Override
    public void spanCreated(Span span) {
        Context parent = null;
        if (span.parent() != null) {
            io.opentelemetry.api.trace.Span p = spans.get(span.parent().id());
            if (p != null) {
                parent = Context.root().with(p);
            }
        }
        if (parent == null) {
            parent = Context.current();
        }
        SpanBuilder b = tracer.spanBuilder(span.name())
                .setParent(parent)
                .setStartTimestamp(span.start())
                .setAttribute(ATTR_LEVEL, span.level().name())
                .setAttribute(ATTR_TARGET, span.target())
                .setAttribute(ATTR_SPAN_ID, span.id());
        for (Field f : span.fields()) {
            put(b, f);
        }
        spans.put(span.id(), b.startSpan());
    }

    @Override
    public void spanEntered(Span span) {
        io.opentelemetry.api.trace.Span s = spans.get(span.id());
        // an unknown span still gets an entry (with no scope) so that entries and exits stay paired
        Scope scope = s == null ? null : Context.current().with(s).makeCurrent();
        entered.get().addLast(new Entered(span.id(), scope));
    }

    @Override
    public void spanExited(Span span) {
        ArrayDeque<Entered> stack = entered.get();
        Entered top = stack.peekLast();
        if (top == null || top.spanId() != span.id()) {
            return;
        }
        stack.removeLast();
        if (top.scope() != null) {
            top.scope().close();
        }
        if (stack.isEmpty()) {
            entered.remove(); // a worker thread keeps no per-thread state between polls
        }
    }

    @Override
    public void spanClosed(Span span) {
        io.opentelemetry.api.trace.Span s = spans.remove(span.id());
        if (s == null) {
            return;
        }
        for (Field f : span.fields()) {
            put(s, f);
        }
        s.end();
    }

    @Override
    public void event(Event event) {
        io.opentelemetry.api.trace.Span s = event.span() == null ? null : spans.get(event.span().id());
        if (s == null) {
            s = io.opentelemetry.api.trace.Span.current();
        }
        if (!s.isRecording()) {
            return;
        }
        AttributesBuilder a = Attributes.builder();
        for (Field f : event.fields()) {
            put(a, f);
        }
        a.put(ATTR_LEVEL, event.level().name());
        a.put(ATTR_TARGET, event.target());
        a.put(ATTR_THREAD, event.thread());
        s.addEvent(event.message(), a.build(), event.timestamp());
    }

    private static void put(SpanBuilder b, Field f) {
        switch (f.value()) {
            case null -> { }
            case Long v -> b.setAttribute(f.name(), v);
            case Integer v -> b.setAttribute(f.name(), v.longValue());
            case Short v -> b.setAttribute(f.name(), v.longValue());
            case Byte v -> b.setAttribute(f.name(), v.longValue());
            case Double v -> b.setAttribute(f.name(), v);
            case Float v -> b.setAttribute(f.name(), v.doubleValue());
            case Boolean v -> b.setAttribute(f.name(), v);
            default -> b.setAttribute(f.name(), format(f.value()));
        }
    }

    private static void put(io.opentelemetry.api.trace.Span s, Field f) {
        switch (f.value()) {
            case null -> { }
            case Long v -> s.setAttribute(f.name(), v);
            case Integer v -> s.setAttribute(f.name(), v.longValue());
            case Short v -> s.setAttribute(f.name(), v.longValue());
            case Byte v -> s.setAttribute(f.name(), v.longValue());
            case Double v -> s.setAttribute(f.name(), v);
            case Float v -> s.setAttribute(f.name(), v.doubleValue());
            case Boolean v -> s.setAttribute(f.name(), v);
            default -> s.setAttribute(f.name(), format(f.value()));
        }
    }

    private static void put(AttributesBuilder a, Field f) {
        switch (f.value()) {
            case null -> { }
            case Long v -> a.put(f.name(), v);
            case Integer v -> a.put(f.name(), v.longValue());
            case Short v -> a.put(f.name(), v.longValue());
            case Byte v -> a.put(f.name(), v.longValue());
            case Double v -> a.put(f.name(), v);
            case Float v -> a.put(f.name(), v.doubleValue());
            case Boolean v -> a.put(f.name(), v);
            default -> a.put(f.name(), format(f.value()));
        }
    }

    private static String format(Object value) {
        try {
            return String.valueOf(value);
        } catch (RuntimeException e) {
            return "<toString threw " + e.getClass().getName() + ">";
        }
    }

    @Override
    public String toString() {
        return "OpenTelemetrySubscriber[" + tracer + ", maxLevel=" + maxLevel + ", open=" + spans.size() + "]";
    }
}
