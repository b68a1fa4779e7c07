package io.cortado.trace;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes each event as one human-readable line:
 *
 * <pre>
 * 2026-11-26T12:00:00.123Z  INFO cortado-worker-1 test.app: order placed order=42 items=3 [request{path=/x} &gt; task{id=7}]
 * </pre>
 *
 * timestamp (UTC, milliseconds), level (right-aligned to 5), thread, target, message, the event's fields, and its
 * span context: the event's span and its parents, outermost first, each with its fields (omitted when the event is
 * in no span). Optionally ({@link Builder#spanLines}) a TRACE line when a span is created ({@code span opened}) and
 * when it is closed ({@code span closed elapsed=…}, the time since it was created).
 *
 * <h2>Format rules</h2>
 * <ol>
 *   <li>One event is one line: control characters in the message and in values are escaped ({@code \n},
 *       {@code \t}, {@code \\u0007}), so a value can never start a new line.</li>
 *   <li>A field value is printed with {@code String.valueOf}; one that is empty or contains whitespace, {@code "},
 *       {@code =}, a bracket or a control character is quoted, with {@code "} and {@code \} escaped.</li>
 *   <li>The whole line is built first and handed to the output in one call, serialised with the other lines of
 *       this subscriber, so concurrent events never interleave.</li>
 * </ol>
 *
 * <p><b>WARNING:</b> the line is written synchronously on the thread that produced the event (often a runtime
 * worker). That suits a terminal or a file; for a slow output pass a {@link Consumer} that queues the line.
 * Guarded by {@code ConsoleSubscriberTest}.
 */
public final class ConsoleSubscriber implements Subscriber {
    private final LineSink sink;
    private final Level minLevel;
    private final boolean spanLines;

    private ConsoleSubscriber(Builder b) {
        this.sink = b.sink == null ? LineSink.of(System.err) : b.sink;
        this.minLevel = b.minLevel;
        this.spanLines = b.spanLines;
    }

    /** @return a subscriber writing INFO and more severe events to {@code System.err}, without span lines */
    public static ConsoleSubscriber stderr() {
        return builder().build();
    }

    /** @return a subscriber writing {@code minLevel} and more severe events to {@code System.err} */
    public static ConsoleSubscriber stderr(Level minLevel) {
        return builder().minLevel(minLevel).build();
    }

    /** @return a builder: {@code System.err}, INFO, no span lines unless set */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the minimum level: the most verbose written */
    @Override
    public Level maxLevel() {
        return minLevel;
    }

    @Override
    public void event(Event event) {
        if (event.level().compareTo(minLevel) < 0) {
            return; // under a fan-out or a stale Tracing.minLevel
        }
        StringBuilder sb = header(event.timestamp(), event.level(), event.thread(), event.target());
        escape(sb, event.message());
        for (Field f : event.fields()) {
            sb.append(' ');
            field(sb, f);
        }
        List<Span> chain = Format.chain(event.span());
        if (!chain.isEmpty()) {
            sb.append(' ');
            context(sb, chain);
        }
        sink.write(sb.toString());
    }

    @Override
    public void spanCreated(Span span) {
        if (spanLines && Level.TRACE.compareTo(minLevel) >= 0) {
            StringBuilder sb = header(Instant.now(), Level.TRACE, Thread.currentThread().getName(), span.target());
            sb.append("span opened ");
            context(sb, Format.chain(span));
            sink.write(sb.toString());
        }
    }

    @Override
    public void spanClosed(Span span) {
        if (spanLines && Level.TRACE.compareTo(minLevel) >= 0) {
            Instant now = Instant.now();
            StringBuilder sb = header(now, Level.TRACE, Thread.currentThread().getName(), span.target());
            sb.append("span closed ");
            context(sb, Format.chain(span));
            sb.append(" elapsed=").append(elapsed(Duration.between(span.start(), now)));
            sink.write(sb.toString());
        }
    }

    private static StringBuilder header(Instant ts, Level level, String thread, String target) {
        StringBuilder sb = new StringBuilder(128);
        Format.timestamp(sb, ts);
        sb.append(' ');
        String name = level.name();
        sb.repeat(' ', 5 - name.length()).append(name).append(' ');
        escape(sb, thread);
        sb.append(' ');
        escape(sb, target);
        sb.append(": ");
        return sb;
    }

    /** {@code [outer{a=1} > inner]}: a span without fields has no braces. */
    private static void context(StringBuilder sb, List<Span> chain) {
        sb.append('[');
        for (int i = 0; i < chain.size(); i++) {
            if (i > 0) {
                sb.append(" > ");
            }
            Span s = chain.get(i);
            escape(sb, s.name());
            List<Field> fields = s.fields();
            if (!fields.isEmpty()) {
                sb.append('{');
                for (int j = 0; j < fields.size(); j++) {
                    if (j > 0) {
                        sb.append(' ');
                    }
                    field(sb, fields.get(j));
                }
                sb.append('}');
            }
        }
        sb.append(']');
    }

    private static void field(StringBuilder sb, Field f) {
        escape(sb, f.name());
        sb.append('=');
        value(sb, String.valueOf(f.value()));
    }

    /** Rule 2. */
    static void value(StringBuilder sb, String v) {
        boolean quote = v.isEmpty();
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=' || c == '[' || c == ']' || c == '{' || c == '}'
                    || Character.isWhitespace(c) || Character.isISOControl(c);
        }
        if (!quote) {
            sb.append(v);
            return;
        }
        sb.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else {
                escapeChar(sb, c);
            }
        }
        sb.append('"');
    }

    /** Rule 1: control characters escaped, everything else as is. */
    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            escapeChar(sb, s.charAt(i));
        }
    }

    private static void escapeChar(StringBuilder sb, char c) {
        switch (c) {
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            default -> {
                if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                    sb.append("\\u").append(String.format("%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
    }

    private static String elapsed(Duration d) {
        long ns = d.toNanos();
        if (ns < 1_000_000L) {
            return String.format("%.1fus", ns / 1e3);
        }
        if (ns < 1_000_000_000L) {
            return String.format("%.1fms", ns / 1e6);
        }
        return String.format("%.2fs", ns / 1e9);
    }

    @Override
    public String toString() {
        return "ConsoleSubscriber[" + minLevel + (spanLines ? ", span lines" : "") + "]";
    }

    /** Configures a {@link ConsoleSubscriber}. */
    public static final class Builder {
        private LineSink sink;
        private Level minLevel = Level.INFO;
        private boolean spanLines;

        private Builder() {
        }

        /** Writes to {@code stream} (default {@code System.err}), one {@code println} per line. */
        public Builder output(PrintStream stream) {
            this.sink = LineSink.of(stream);
            return this;
        }

        /** Appends each line and a {@code '\n'} to {@code out} in one call, flushing it if it is flushable. */
        public Builder output(Appendable out) {
            this.sink = LineSink.of(out);
            return this;
        }

        /** Hands each line (without terminator) to {@code lines}: one call per line, never concurrently. */
        public Builder output(Consumer<String> lines) {
            this.sink = LineSink.of(lines);
            return this;
        }

        /** Writes events at {@code level} and more severe (default INFO). */
        public Builder minLevel(Level level) {
            this.minLevel = Objects.requireNonNull(level, "level");
            return this;
        }

        /**
         * Also writes a TRACE line when a span is created and when it is closed (default off); they appear only
         * when the minimum level is TRACE.
         */
        public Builder spanLines(boolean on) {
            this.spanLines = on;
            return this;
        }

        /** @return the subscriber */
        public ConsoleSubscriber build() {
            return new ConsoleSubscriber(this);
        }
    }
}
