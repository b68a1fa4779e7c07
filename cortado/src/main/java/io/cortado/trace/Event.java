package io.cortado.trace;

import java.time.Instant;
import java.util.List;

/**
 * Something that happened: what a {@link Subscriber} receives for each enabled event.
 *
 * @param level     its level
 * @param target    the component that produced it (the {@link Tracer}'s name, e.g. {@code "cortado.runtime"})
 * @param message   the message
 * @param fields    its key-value pairs, in order
 * @param span      the innermost span entered where it happened (its task's span, whatever thread polls the task),
 *                  or {@code null}
 * @param thread    the name of the thread it happened on
 * @param timestamp when
 */
public record Event(Level level, String target, String message, List<Field> fields, Span span, String thread,
                    Instant timestamp) {

    /** @return the value of the first field called {@code name}, or {@code null} */
    public Object field(String name) {
        for (Field f : fields) {
            if (f.name().equals(name)) {
                return f.value();
            }
        }
        return null;
    }
}
