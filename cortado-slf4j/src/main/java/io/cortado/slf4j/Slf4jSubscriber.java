package io.cortado.slf4j;

import io.cortado.trace.Event;
import io.cortado.trace.Field;
import io.cortado.trace.Level;
import io.cortado.trace.Span;
import io.cortado.trace.Subscriber;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A tracing {@link Subscriber} that turns Cortado {@link Event}s into SLF4J log records:
 *
 * <pre>{@code
 * try (AutoCloseable t = Tracing.install(new Slf4jSubscriber())) { ... }
 * }</pre>
 *
 * <h2>Mapping</h2>
 * <ol>
 *   <li><b>Logger</b>: the one named after the event's target ({@link io.cortado.trace.Tracer#target()}), so the
 *       backend's per-logger levels filter Cortado targets as they filter classes. Loggers are cached per target.</li>
 *   <li><b>Level</b>: TRACE, DEBUG, INFO, WARN, ERROR map to the SLF4J levels of the same name.</li>
 *   <li><b>Message and fields</b>: by default ({@link FieldStyle#MESSAGE}) the message followed by each field as
 *       {@code key=value}, separated by spaces; {@link FieldStyle#KEY_VALUES} passes them as SLF4J 2 key-value pairs
 *       ({@code addKeyValue}, shown by logback's {@code %kvp}) instead, {@link FieldStyle#BOTH} does both. The
 *       message is never treated as a format string.</li>
 *   <li><b>Span context</b>: during the call to the logger the MDC holds {@value #MDC_SPAN} (the innermost span's
 *       name), {@value #MDC_SPAN_ID} (its id) and {@code span.<field>} for each field of that span and of its
 *       parents (an inner span's field wins over an outer one of the same name). The previous values of those keys
 *       are put back afterwards, so the MDC is as it was (the thread is usually a runtime worker shared by many
 *       tasks: a span must not stay in its MDC).</li>
 *   <li><b>Filtering</b>: {@link #enabled(Level, String)} asks the target's logger ({@code isEnabledForLevel}), so
 *       Cortado builds no event that the backend would drop. {@link #maxLevel()} is the most verbose level this
 *       subscriber lets through at all (TRACE unless given): SLF4J cannot tell the most verbose level any logger is
 *       set to, so lower it to what the backend's configuration uses, which makes disabled Cortado call sites cost
 *       one comparison instead of a logger look-up.</li>
 * </ol>
 *
 * <p>Span creation, entry, exit and closing are not logged: SLF4J has no notion of them (use
 * {@code cortado-opentelemetry} for spans).
 *
 * <p><b>Note:</b> the record's timestamp is the time the backend receives it (SLF4J 2.0 has no way to pass
 * {@link Event#timestamp()}), a few microseconds after the event; its thread is the producing thread, as the event's.
 *
 * <p>Guarded by {@code Slf4jSubscriberTest}.
 */
public final class Slf4jSubscriber implements Subscriber {
    /** The MDC key of the innermost span's name. */
    public static final String MDC_SPAN = "span";
    /** The MDC key of the innermost span's id. */
    public static final String MDC_SPAN_ID = "span.id";
    /** The prefix of the MDC keys of span fields. */
    public static final String MDC_FIELD_PREFIX = "span.";

    /** Where an event's fields go. */
    public enum FieldStyle {
        /** Appended to the message as {@code key=value}. */
        MESSAGE,
        /** Passed as SLF4J 2 key-value pairs ({@link LoggingEventBuilder#addKeyValue}). */
        KEY_VALUES,
        /** Both. */
        BOTH
    }

    private final ILoggerFactory factory;
    private final Level maxLevel;
    private final FieldStyle fieldStyle;
    private final ConcurrentHashMap<String, Logger> loggers = new ConcurrentHashMap<>();

    /** A subscriber on SLF4J's bound backend, letting every level through to it, with fields in the message. */
    public Slf4jSubscriber() {
        this(LoggerFactory.getILoggerFactory(), Level.TRACE, FieldStyle.MESSAGE);
    }

    /**
     * A subscriber on SLF4J's bound backend with fields in the message.
     *
     * @param maxLevel the most verbose level to let through (see the class comment, rule 5)
     */
    public Slf4jSubscriber(Level maxLevel) {
        this(LoggerFactory.getILoggerFactory(), maxLevel, FieldStyle.MESSAGE);
    }

    /**
     * @param factory    where loggers come from (usually {@link LoggerFactory#getILoggerFactory()})
     * @param maxLevel   the most verbose level to let through (see the class comment, rule 5)
     * @param fieldStyle where event fields go
     */
    public Slf4jSubscriber(ILoggerFactory factory, Level maxLevel, FieldStyle fieldStyle) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.maxLevel = Objects.requireNonNull(maxLevel, "maxLevel");
        this.fieldStyle = Objects.requireNonNull(fieldStyle, "fieldStyle");
    }

    @Override
    public Level maxLevel() {
        return maxLevel;
    }

    @Override
    public boolean enabled(Level level, String target) {
        return level.compareTo(maxLevel) >= 0 && logger(target).isEnabledForLevel(toSlf4j(level));
    }

    /**
     * Logs {@code event} through its target's logger with its span context in the MDC (rules 1–4).
     *
     * <p><b>Note:</b> never throws: a field whose {@code toString} throws is written as
     * {@code <toString threw ExceptionName>}, as SLF4J's own formatter does.
     */
    @Override
    public void event(Event event) {
        Logger logger = logger(event.target());
        org.slf4j.event.Level level = toSlf4j(event.level());
        if (!logger.isEnabledForLevel(level)) {
            return;
        }
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        Span span = event.span();
        if (span != null) {
            keys.add(MDC_SPAN);
            values.add(span.name());
            keys.add(MDC_SPAN_ID);
            values.add(Long.toString(span.id()));
            addSpanFields(span, keys, values);
        }
        String[] saved = new String[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            saved[i] = MDC.get(keys.get(i));
            MDC.put(keys.get(i), values.get(i));
        }
        try {
            log(logger, level, event);
        } finally {
            for (int i = keys.size() - 1; i >= 0; i--) {
                if (saved[i] == null) {
                    MDC.remove(keys.get(i));
                } else {
                    MDC.put(keys.get(i), saved[i]);
                }
            }
        }
    }

    private void log(Logger logger, org.slf4j.event.Level level, Event event) {
        boolean inMessage = fieldStyle != FieldStyle.KEY_VALUES;
        boolean asPairs = fieldStyle != FieldStyle.MESSAGE;
        String message = event.message();
        if (inMessage && !event.fields().isEmpty()) {
            StringBuilder sb = new StringBuilder(message);
            for (Field f : event.fields()) {
                sb.append(' ').append(f.name()).append('=').append(format(f.value()));
            }
            message = sb.toString();
        }
        LoggingEventBuilder b = logger.makeLoggingEventBuilder(level).setMessage(message);
        if (asPairs) {
            for (Field f : event.fields()) {
                b = b.addKeyValue(f.name(), f.value());
            }
        }
        b.log();
    }

    /** Outermost first, so that an inner span's field overrides an outer one's (a key seen again is replaced). */
    private static void addSpanFields(Span span, List<String> keys, List<String> values) {
        if (span.parent() != null) {
            addSpanFields(span.parent(), keys, values);
        }
        for (Field f : span.fields()) {
            String key = MDC_FIELD_PREFIX + f.name();
            if (key.equals(MDC_SPAN_ID)) {
                continue; // a field called "id" must not hide the span's id
            }
            String value = format(f.value());
            int at = keys.indexOf(key);
            if (at >= 0) {
                values.set(at, value);
            } else {
                keys.add(key);
                values.add(value);
            }
        }
    }

    private Logger logger(String target) {
        Logger l = loggers.get(target);
        if (l == null) {
            l = loggers.computeIfAbsent(target, factory::getLogger);
        }
        return l;
    }

    /** @return the SLF4J level of the same name */
    static org.slf4j.event.Level toSlf4j(Level level) {
        return switch (level) {
            case TRACE -> org.slf4j.event.Level.TRACE;
            case DEBUG -> org.slf4j.event.Level.DEBUG;
            case INFO -> org.slf4j.event.Level.INFO;
            case WARN -> org.slf4j.event.Level.WARN;
            case ERROR -> org.slf4j.event.Level.ERROR;
        };
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
        return "Slf4jSubscriber[maxLevel=" + maxLevel + ", fields=" + fieldStyle + "]";
    }
}
