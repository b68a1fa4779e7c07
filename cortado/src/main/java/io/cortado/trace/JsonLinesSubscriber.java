package io.cortado.trace;

import java.io.PrintStream;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes each event as one JSON object on one line (JSON Lines), for log shippers:
 *
 * <pre>{@code
 * {"ts":"2026-11-26T12:00:00.123Z","level":"INFO","target":"test.app","thread":"cortado-worker-1",
 *  "message":"order placed","fields":{"order":42,"items":3},
 *  "spans":[{"name":"request","id":1,"fields":{"path":"/x"}},{"name":"task","id":2,"fields":{"id":7}}]}
 * }</pre>
 *
 * (one line in the output). {@code spans} is the event's span and its parents, outermost first; it is {@code []}
 * outside any span.
 *
 * <h2>Encoding rules</h2>
 * <ol>
 *   <li>Strings are escaped per RFC 8259: {@code "} and {@code \} with a backslash, control characters below
 *       U+0020 as {@code \n \r \t \b \f} or <code>&#92;u00XX</code>; U+2028, U+2029 and unpaired surrogates as
 *       <code>&#92;uXXXX</code> too, so every line is valid UTF-8 and valid JavaScript. Nothing else is escaped.</li>
 *   <li>Field values: {@code null} is {@code null}; {@link Boolean} is {@code true}/{@code false}; {@link Byte},
 *       {@link Short}, {@link Integer}, {@link Long}, {@link BigInteger}, {@link BigDecimal} and finite
 *       {@link Float}/{@link Double} values are JSON numbers; every other value (NaN and infinities included) is
 *       the JSON string of {@code String.valueOf(value)}.</li>
 *   <li>Fields keep their order. <b>Note:</b> a name used twice appears twice in the object; JSON allows it, but
 *       many readers keep only the last.</li>
 *   <li>The line is built whole and then written in one serialised call (as {@link ConsoleSubscriber}).</li>
 * </ol>
 *
 * <p><b>WARNING:</b> as {@link ConsoleSubscriber}, it writes synchronously on the producing thread. Guarded by
 * {@code JsonLinesSubscriberTest}, which parses its output back.
 */
public final class JsonLinesSubscriber implements Subscriber {
    private final LineSink sink;
    private final Level minLevel;

    private JsonLinesSubscriber(LineSink sink, Level minLevel) {
        this.sink = sink;
        this.minLevel = Objects.requireNonNull(minLevel, "minLevel");
    }

    /** @return a subscriber writing {@code minLevel} and more severe events to {@code out}, flushed per line */
    public static JsonLinesSubscriber to(Writer out, Level minLevel) {
        return new JsonLinesSubscriber(LineSink.of(out), minLevel);
    }

    /** @return a subscriber writing {@code minLevel} and more severe events to {@code out}, one println each */
    public static JsonLinesSubscriber to(PrintStream out, Level minLevel) {
        return new JsonLinesSubscriber(LineSink.of(out), minLevel);
    }

    /**
     * @return a subscriber handing each line (without terminator) to {@code lines}, one call per event, never
     * concurrently
     */
    public static JsonLinesSubscriber to(Consumer<String> lines, Level minLevel) {
        return new JsonLinesSubscriber(LineSink.of(lines), minLevel);
    }

    @Override
    public Level maxLevel() {
        return minLevel;
    }

    @Override
    public void event(Event event) {
        if (event.level().compareTo(minLevel) >= 0) {
            sink.write(toJson(event));
        }
    }

    /** @return {@code event} as one line of JSON (without terminator) */
    public static String toJson(Event event) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"ts\":\"");
        Format.timestamp(sb, event.timestamp());
        sb.append("\",\"level\":\"").append(event.level().name()).append('"');
        sb.append(",\"target\":");
        string(sb, event.target());
        sb.append(",\"thread\":");
        string(sb, event.thread());
        sb.append(",\"message\":");
        string(sb, event.message());
        sb.append(",\"fields\":");
        fields(sb, event.fields());
        sb.append(",\"spans\":[");
        List<Span> chain = Format.chain(event.span());
        for (int i = 0; i < chain.size(); i++) {
            Span s = chain.get(i);
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"name\":");
            string(sb, s.name());
            sb.append(",\"id\":").append(s.id()).append(",\"fields\":");
            fields(sb, s.fields());
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    private static void fields(StringBuilder sb, List<Field> fields) {
        sb.append('{');
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (i > 0) {
                sb.append(',');
            }
            string(sb, f.name());
            sb.append(':');
            value(sb, f.value());
        }
        sb.append('}');
    }

    /** Rule 2. */
    static void value(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case Boolean b -> sb.append(b.booleanValue());
            case Integer n -> sb.append(n.intValue());
            case Long n -> sb.append(n.longValue());
            case Short n -> sb.append(n.shortValue());
            case Byte n -> sb.append(n.byteValue());
            case BigInteger n -> sb.append(n);
            case BigDecimal n -> sb.append(n);
            case Double d when Double.isFinite(d) -> sb.append(d.doubleValue());
            case Float f when Float.isFinite(f) -> sb.append(f.floatValue());
            default -> string(sb, String.valueOf(v));
        }
    }

    /** Rule 1: appends {@code s} as a JSON string, quotes included. */
    static void string(StringBuilder sb, String s) {
        sb.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        hex(sb, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        hex(sb, c); // unpaired: not encodable as UTF-8
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void hex(StringBuilder sb, char c) {
        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
    }

    @Override
    public String toString() {
        return "JsonLinesSubscriber[" + minLevel + "]";
    }
}
