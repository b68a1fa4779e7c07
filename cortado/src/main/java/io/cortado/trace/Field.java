package io.cortado.trace;

import java.util.Objects;

/**
 * One key-value pair of an event or a span.
 *
 * @param name  the key
 * @param value the value (any object; subscribers format it with {@code String.valueOf})
 */
public record Field(String name, Object value) {
    /** @throws NullPointerException if {@code name} is null */
    public Field {
        Objects.requireNonNull(name, "name");
    }
}
