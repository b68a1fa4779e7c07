package io.cortado.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bridges tracing to JDK Flight Recorder: each event becomes a {@code cortado.Event} JFR event and each span a
 * {@code cortado.Span} JFR duration event, so Cortado's structure shows in JDK Mission Control next to GC, locks
 * and I/O, category "Cortado". Enable them in a recording ({@code -XX:StartFlightRecording} with a settings file
 * naming {@code cortado.Event}/{@code cortado.Span}, or {@code recording.enable("cortado.Event")}).
 *
 * <h2>The events</h2>
 * <ul>
 *   <li>{@code cortado.Event} (instant, committed on the producing thread, which JFR records as its event
 *       thread): {@code level}, {@code target}, {@code message}, {@code fields} (the fields as one string,
 *       {@code order=42 items=3}, quoted as {@link ConsoleSubscriber} does), and the innermost span's
 *       {@code spanId} (0 outside any span) and {@code spanName}, plus {@code spanPath}
 *       ({@code request > task}, outermost first).</li>
 *   <li>{@code cortado.Span}: <b>one duration event per span, from its creation to its close</b> (for an
 *       instrumented future: until it completed or was cancelled), committed when it is closed, with
 *       {@code name}, {@code target}, {@code level}, {@code spanId}, {@code parentId}, {@code fields},
 *       {@code polls} (how many times it was entered) and {@code busy} (the time spent inside it, summed over
 *       its entries). We chose this over an event per enter/exit: an instrumented task is entered on every poll,
 *       and a per-poll event would multiply the recording's size by the poll rate while the busy total keeps
 *       the information that matters (how much of its life a task spent running). Its event thread is the
 *       thread that closed it.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * With no recording that enables the Cortado events, {@link #enabled} is false (a check of two event types
 * through {@link EventType#isEnabled()}), so producers build no event and no span; the subscriber's
 * {@link #maxLevel} still costs the callers at that level a call to {@code enabled}. When enabled, an event costs
 * one JFR event object and the fields string. A span created while {@code cortado.Span} is disabled is not
 * recorded even if a recording starts before it closes.
 *
 * <p><b>WARNING:</b> a span that is never closed (a synchronous span without {@link Span#close()}, a future that
 * is dropped without being cancelled) keeps a small state object in this subscriber until it is closed.
 * <b>Note:</b> {@code busy} assumes a span is entered on one thread at a time (true of instrumented futures);
 * concurrent or re-entrant entries of the same span make it approximate.
 *
 * <p>Guarded by {@code JfrSubscriberTest}, which records, dumps and parses a recording.
 */
public final class JfrSubscriber implements Subscriber {
    private static final EventType EVENT_TYPE = EventType.getEventType(JfrEvent.class);
    private static final EventType SPAN_TYPE = EventType.getEventType(JfrSpan.class);

    private final Level minLevel;
    private final ConcurrentHashMap<Span, SpanState> open = new ConcurrentHashMap<>();

    private JfrSubscriber(Level minLevel) {
        this.minLevel = Objects.requireNonNull(minLevel, "minLevel");
    }

    /** @return a subscriber for events and spans at DEBUG and more severe */
    public static JfrSubscriber create() {
        return new JfrSubscriber(Level.DEBUG);
    }

    /** @return a subscriber for events and spans at {@code minLevel} and more severe */
    public static JfrSubscriber create(Level minLevel) {
        return new JfrSubscriber(minLevel);
    }

    @Override
    public Level maxLevel() {
        return minLevel;
    }

    /** @return whether a recording enables {@code cortado.Event} or {@code cortado.Span} */
    @Override
    public boolean enabled(Level level, String target) {
        return EVENT_TYPE.isEnabled() || SPAN_TYPE.isEnabled();
    }

    @Override
    public void event(Event event) {
        if (event.level().compareTo(minLevel) < 0 || !EVENT_TYPE.isEnabled()) {
            return;
        }
        JfrEvent e = new JfrEvent();
        if (!e.shouldCommit()) {
            return;
        }
        e.level = event.level().name();
        e.target = event.target();
        e.message = event.message();
        e.fields = fieldString(event.fields());
        Span s = event.span();
        if (s != null) {
            e.spanId = s.id();
            e.spanName = s.name();
            e.spanPath = path(s);
        }
        e.commit();
    }

    @Override
    public void spanCreated(Span span) {
        if (span.level().compareTo(minLevel) >= 0 && SPAN_TYPE.isEnabled()) {
            JfrSpan e = new JfrSpan();
            e.begin();
            open.put(span, new SpanState(e));
        }
    }

    @Override
    public void spanEntered(Span span) {
        SpanState st = open.get(span);
        if (st != null) {
            st.polls.incrementAndGet();
            st.enteredAt = System.nanoTime();
        }
    }

    @Override
    public void spanExited(Span span) {
        SpanState st = open.get(span);
        if (st != null) {
            st.busy.addAndGet(System.nanoTime() - st.enteredAt);
        }
    }

    @Override
    public void spanClosed(Span span) {
        SpanState st = open.remove(span);
        if (st == null) {
            return;
        }
        JfrSpan e = st.event;
        e.end();
        if (e.shouldCommit()) {
            e.name = span.name();
            e.target = span.target();
            e.level = span.level().name();
            e.spanId = span.id();
            e.parentId = span.parent() == null ? 0 : span.parent().id();
            e.fields = fieldString(span.fields());
            e.polls = st.polls.get();
            e.busy = st.busy.get();
            e.commit();
        }
    }

    /** @return how many spans are open (created while recording, not yet closed): for tests */
    int openSpans() {
        return open.size();
    }

    private static String fieldString(List<Field> fields) {
        if (fields.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Field f : fields) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            ConsoleSubscriber.escape(sb, f.name());
            sb.append('=');
            ConsoleSubscriber.value(sb, String.valueOf(f.value()));
        }
        return sb.toString();
    }

    private static String path(Span s) {
        StringBuilder sb = new StringBuilder();
        for (Span x : Format.chain(s)) {
            if (!sb.isEmpty()) {
                sb.append(" > ");
            }
            sb.append(x.name());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "JfrSubscriber[" + minLevel + "]";
    }

    /** The per-span accumulation between creation and close. */
    private static final class SpanState {
        final JfrSpan event;
        final AtomicInteger polls = new AtomicInteger();
        final AtomicLong busy = new AtomicLong();
        /** Written at entry and read at exit, by the thread entering (one at a time, see the class note). */
        volatile long enteredAt;

        SpanState(JfrSpan event) {
            this.event = event;
        }
    }

    /** {@code cortado.Event}. */
    @Name("cortado.Event")
    @Label("Cortado Event")
    @Category({"Cortado"})
    @Description("A tracing event produced through a Cortado Tracer")
    @StackTrace(false)
    static final class JfrEvent extends jdk.jfr.Event {
        @Label("Level")
        String level;
        @Label("Target")
        @Description("The component that produced the event")
        String target;
        @Label("Message")
        String message;
        @Label("Fields")
        @Description("The event's fields as name=value pairs")
        String fields;
        @Label("Span Id")
        @Description("The innermost span's id, 0 outside any span")
        long spanId;
        @Label("Span Name")
        String spanName;
        @Label("Span Path")
        @Description("The span and its parents, outermost first")
        String spanPath;
    }

    /** {@code cortado.Span}. */
    @Name("cortado.Span")
    @Label("Cortado Span")
    @Category({"Cortado"})
    @Description("A Cortado span, from its creation to its close")
    @StackTrace(false)
    static final class JfrSpan extends jdk.jfr.Event {
        @Label("Name")
        String name;
        @Label("Target")
        String target;
        @Label("Level")
        String level;
        @Label("Span Id")
        long spanId;
        @Label("Parent Id")
        @Description("The parent span's id, 0 for a root span")
        long parentId;
        @Label("Fields")
        String fields;
        @Label("Polls")
        @Description("How many times the span was entered (for an instrumented future: its polls)")
        int polls;
        @Label("Busy")
        @Description("Time spent inside the span, summed over its entries")
        @Timespan(Timespan.NANOSECONDS)
        long busy;
    }
}
