package io.cortado.trace;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.List;

/** Formatting shared by the text subscribers. */
final class Format {
    /** ISO-8601 in UTC with exactly three fraction digits: {@code 2026-11-26T12:00:00.123Z}. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Format() {
    }

    /** @return {@code span} and its parents, outermost first (empty for {@code null}) */
    static List<Span> chain(Span span) {
        ArrayDeque<Span> out = new ArrayDeque<>();
        for (Span s = span; s != null; s = s.parent()) {
            out.addFirst(s);
        }
        return List.copyOf(out);
    }

    static void timestamp(StringBuilder sb, Instant t) {
        TIMESTAMP.formatTo(t, sb);
    }
}
