package io.cortado.trace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Produces events and spans for one component (its <em>target</em>), like a logger:
 *
 * <pre>{@code
 * private static final Tracer LOG = Tracing.tracer("shop.checkout");
 *
 * LOG.info("order placed", "order", id, "items", n);        // a structured event
 * Span span = LOG.span(Level.INFO, "request", "path", path);
 * Task.spawn(handle(request).instrument(span));              // every event inside carries the span
 * }</pre>
 *
 * With no subscriber installed (or one that wants less), each call costs one comparison and allocates nothing:
 * the fixed-arity forms build their fields only once the level passed (Tracing rule 1). Values are any objects;
 * primitives are boxed only when the event is on.
 */
public final class Tracer {
    private final String target;

    Tracer(String target) {
        this.target = target;
    }

    /** @return this tracer's target */
    public String target() {
        return target;
    }

    /** @return whether an event at {@code level} would reach the subscriber (guard expensive fields with it) */
    public boolean isEnabled(Level level) {
        return level.ordinal() >= Tracing.minLevel && Tracing.subscriber().enabled(level, target);
    }

    /** An event at {@code level}. */
    public void event(Level level, String message) {
        if (level.ordinal() >= Tracing.minLevel) {
            emit(level, message, List.of());
        }
    }

    /**
     * An event at {@code level} with fields given as name, value, name, value ...
     *
     * @throws IllegalArgumentException if {@code keyValues} is not pairs, whatever the level
     */
    public void event(Level level, String message, Object... keyValues) {
        checkPairs(keyValues); // at every level: a mistake shows at once, not when the level is turned on
        if (level.ordinal() >= Tracing.minLevel) {
            emit(level, message, fields(keyValues));
        }
    }

    /** An event at TRACE (see {@link #event(Level, String)}). */
    public void trace(String message) {
        if (Level.TRACE.ordinal() >= Tracing.minLevel) {
            emit(Level.TRACE, message, List.of());
        }
    }

    /** An event at TRACE with one field. */
    public void trace(String message, String k1, Object v1) {
        if (Level.TRACE.ordinal() >= Tracing.minLevel) {
            emit(Level.TRACE, message, List.of(new Field(k1, v1)));
        }
    }

    /** An event at TRACE with two fields. */
    public void trace(String message, String k1, Object v1, String k2, Object v2) {
        if (Level.TRACE.ordinal() >= Tracing.minLevel) {
            emit(Level.TRACE, message, List.of(new Field(k1, v1), new Field(k2, v2)));
        }
    }

    /**
     * An event at TRACE with fields given as name, value, name, value ...
     *
     * @throws IllegalArgumentException if {@code keyValues} is not pairs, whatever the level
     */
    public void trace(String message, Object... keyValues) {
        checkPairs(keyValues); // at every level: a mistake shows at once, not when the level is turned on
        if (Level.TRACE.ordinal() >= Tracing.minLevel) {
            emit(Level.TRACE, message, fields(keyValues));
        }
    }

    /** An event at DEBUG (see {@link #event(Level, String)}). */
    public void debug(String message) {
        if (Level.DEBUG.ordinal() >= Tracing.minLevel) {
            emit(Level.DEBUG, message, List.of());
        }
    }

    /** An event at DEBUG with one field. */
    public void debug(String message, String k1, Object v1) {
        if (Level.DEBUG.ordinal() >= Tracing.minLevel) {
            emit(Level.DEBUG, message, List.of(new Field(k1, v1)));
        }
    }

    /** An event at DEBUG with two fields. */
    public void debug(String message, String k1, Object v1, String k2, Object v2) {
        if (Level.DEBUG.ordinal() >= Tracing.minLevel) {
            emit(Level.DEBUG, message, List.of(new Field(k1, v1), new Field(k2, v2)));
        }
    }

    /**
     * An event at DEBUG with fields given as name, value, name, value ...
     *
     * @throws IllegalArgumentException if {@code keyValues} is not pairs, whatever the level
     */
    public void debug(String message, Object... keyValues) {
        checkPairs(keyValues); // at every level: a mistake shows at once, not when the level is turned on
        if (Level.DEBUG.ordinal() >= Tracing.minLevel) {
            emit(Level.DEBUG, message, fields(keyValues));
        }
    }

    /** An event at INFO (see {@link #event(Level, String)}). */
    public void info(String message) {
        if (Level.INFO.ordinal() >= Tracing.minLevel) {
            emit(Level.INFO, message, List.of());
        }
    }

    /** An event at INFO with one field. */
    public void info(String message, String k1, Object v1) {
        if (Level.INFO.ordinal() >= Tracing.minLevel) {
            emit(Level.INFO, message, List.of(new Field(k1, v1)));
        }
    }

    /** An event at INFO with two fields. */
    public void info(String message, String k1, Object v1, String k2, Object v2) {
        if (Level.INFO.ordinal() >= Tracing.minLevel) {
            emit(Level.INFO, message, List.of(new Field(k1, v1), new Field(k2, v2)));
        }
    }

    /**
     * An event at INFO with fields given as name, value, name, value ...
     *
     * @throws IllegalArgumentException if {@code keyValues} is not pairs, whatever the level
     */
    public void info(String message, Object... keyValues) {
        checkPairs(keyValues); // at every level: a mistake shows at once, not when the level is turned on
        if (Level.INFO.ordinal() >= Tracing.minLevel) {
            emit(Level.INFO, message, fields(keyValues));
        }
    }

    /** An event at WARN (see {@link #event(Level, String)}). */
    public void warn(String message) {
        if (Level.WARN.ordinal() >= Tracing.minLevel) {
            emit(Level.WARN, message, List.of());
        }
    }

    /** An event at WARN with one field. */
    public void warn(String message, String k1, Object v1) {
        if (Level.WARN.ordinal() >= Tracing.minLevel) {
            emit(Level.WARN, message, List.of(new Field(k1, v1)));
        }
    }

    /** An event at WARN with two fields. */
    public void warn(String message, String k1, Object v1, String k2, Object v2) {
        if (Level.WARN.ordinal() >= Tracing.minLevel) {
            emit(Level.WARN, message, List.of(new Field(k1, v1), new Field(k2, v2)));
        }
    }

    /**
     * An event at WARN with fields given as name, value, name, value ...
     *
     * @throws IllegalArgumentException if {@code keyValues} is not pairs, whatever the level
     */
    public void warn(String message, Object... keyValues) {
        checkPairs(keyValues); // at every level: a mistake shows at once, not when the level is turned on
        if (Level.WARN.ordinal() >= Tracing.minLevel) {
            emit(Level.WARN, message, fields(keyValues));
        }
    }

    /** An event at ERROR (see {@link #event(Level, String)}). */
    public void error(String message) {
        if (Level.ERROR.ordinal() >= Tracing.minLevel) {
            emit(Level.ERROR, message, List.of());
        }
    }

    /** An event at ERROR with one field. */
    public void error(String message, String k1, Object v1) {
        if (Level.ERROR.ordinal() >= Tracing.minLevel) {
            emit(Level.ERROR, message, List.of(new Field(k1, v1)));
        }
    }

    /** An event at ERROR with two fields. */
    public void error(String message, String k1, Object v1, String k2, Object v2) {
        if (Level.ERROR.ordinal() >= Tracing.minLevel) {
            emit(Level.ERROR, message, List.of(new Field(k1, v1), new Field(k2, v2)));
        }
    }

    /**
     * An event at ERROR with fields given as name, value, name, value ...
     *
     * @throws IllegalArgumentException if {@code keyValues} is not pairs, whatever the level
     */
    public void error(String message, Object... keyValues) {
        checkPairs(keyValues); // at every level: a mistake shows at once, not when the level is turned on
        if (Level.ERROR.ordinal() >= Tracing.minLevel) {
            emit(Level.ERROR, message, fields(keyValues));
        }
    }

    /**
     * Makes a span (not yet entered), whose parent is the span current here; {@link Span#NONE} if tracing is off
     * for {@code level}.
     *
     * @param keyValues fields as name, value, name, value ...
     * @throws IllegalArgumentException if {@code keyValues} is not pairs, whatever the level
     */
    public Span span(Level level, String name, Object... keyValues) {
        checkPairs(keyValues); // at every level: a mistake shows at once, not when the level is turned on
        if (level.ordinal() < Tracing.minLevel || !Tracing.subscriber().enabled(level, target)) {
            return Span.NONE;
        }
        Span s = new Span(level, target, name, fields(keyValues), Span.current());
        Tracing.created(s);
        return s;
    }

    private void emit(Level level, String message, List<Field> fields) {
        if (Tracing.subscriber().enabled(level, target)) {
            Tracing.emit(new Event(level, target, message, fields, Span.current(), Thread.currentThread().getName(),
                    Instant.now()));
        }
    }

    private static void checkPairs(Object[] keyValues) {
        if ((keyValues.length & 1) != 0) {
            throw new IllegalArgumentException("keyValues: expected name, value pairs, got " + keyValues.length
                    + " items");
        }
    }

    private static List<Field> fields(Object[] keyValues) {
        List<Field> out = new ArrayList<>(keyValues.length / 2);
        for (int i = 0; i < keyValues.length; i += 2) {
            out.add(new Field(String.valueOf(keyValues[i]), keyValues[i + 1]));
        }
        return out;
    }

    @Override
    public String toString() {
        return "Tracer[" + target + "]";
    }
}
