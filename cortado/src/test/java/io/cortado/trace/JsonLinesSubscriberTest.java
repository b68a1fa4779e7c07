package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.JoinHandle;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JsonLinesSubscriber's output, parsed back with a strict RFC 8259 reader, hostile strings included. */
class JsonLinesSubscriberTest extends SubscriberTestBase {
    static final Tracer LOG = Tracing.tracer("test.json");
    /** Quotes, backslashes, every kind of control character, a slash, non-ASCII, a pair and a lone surrogate. */
    static final String HOSTILE = "q\"uote \\back\\\\slash \n\r\t\b\f nul\u0000 bell\u0007 esc\u001b us\u001f "
            + "del\u007f </script> é ✓ \uD83D\uDE00 lone\uD800 low\uDC00 sep\u2028\u2029 {\"a\":[1,2]} \\u0041";

    @Test
    void eventsAreOneObjectPerLineWithTypedFieldsAndTheirSpans() {
        List<String> lines = new ArrayList<>();
        installed = Tracing.install(JsonLinesSubscriber.to(lines::add, Level.DEBUG));
        Object custom = new Object() {
            @Override
            public String toString() {
                return "custom \"thing\"";
            }
        };
        Span request = LOG.span(Level.INFO, "request", "path", "/x", "n", 1);
        request.inScope(() -> {
            Span task = LOG.span(Level.DEBUG, "task", "id", 7L);
            task.inScope(() -> LOG.info("order placed", "order", 42, "price", 9.5, "ok", true, "none", null,
                    "big", new BigInteger("123456789012345678901234567890"), "dec", new BigDecimal("1E+3"),
                    "nan", Double.NaN, "inf", Float.POSITIVE_INFINITY, "short", (short) -3, "obj", custom));
            task.close();
        });
        request.close();
        LOG.trace("filtered");
        LOG.warn("outside");
        assertEquals(2, lines.size());

        Map<?, ?> e = (Map<?, ?>) Json.parse(lines.get(0));
        assertEquals(List.of("ts", "level", "target", "thread", "message", "fields", "spans"),
                List.copyOf(e.keySet()));
        assertTrue(((String) e.get("ts")).matches(ConsoleSubscriberTest.TS), e.get("ts").toString());
        assertEquals("INFO", e.get("level"));
        assertEquals("test.json", e.get("target"));
        assertEquals(Thread.currentThread().getName(), e.get("thread"));
        assertEquals("order placed", e.get("message"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("order", 42L);
        fields.put("price", 9.5);
        fields.put("ok", true);
        fields.put("none", null);
        fields.put("big", new BigInteger("123456789012345678901234567890"));
        fields.put("dec", 1000.0);
        fields.put("nan", "NaN");
        fields.put("inf", "Infinity");
        fields.put("short", -3L);
        fields.put("obj", "custom \"thing\"");
        assertEquals(fields, e.get("fields"));
        List<?> spans = (List<?>) e.get("spans");
        assertEquals(2, spans.size());
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("name", "request");
        outer.put("id", request.id());
        outer.put("fields", Map.of("path", "/x", "n", 1L));
        assertEquals(outer, spans.get(0));
        Map<?, ?> inner = (Map<?, ?>) spans.get(1);
        assertEquals("task", inner.get("name"));
        assertEquals(Map.of("id", 7L), inner.get("fields"));

        Map<?, ?> outside = (Map<?, ?>) Json.parse(lines.get(1));
        assertEquals("outside", outside.get("message"));
        assertEquals(Map.of(), outside.get("fields"));
        assertEquals(List.of(), outside.get("spans"));
    }

    @Test
    void hostileStringsRoundTripEverywhereAndEveryLineIsPlainValidJson() {
        StringWriter out = new StringWriter();
        installed = Tracing.install(JsonLinesSubscriber.to(out, Level.TRACE));
        Tracer hostile = Tracing.tracer(HOSTILE);
        Span s = hostile.span(Level.INFO, HOSTILE, HOSTILE, HOSTILE);
        s.inScope(() -> hostile.error(HOSTILE, HOSTILE, HOSTILE, "k", HOSTILE));
        s.close();
        String text = out.toString();
        assertTrue(text.endsWith("\n"));
        String line = text.substring(0, text.length() - 1);
        assertFalse(line.contains("\n"), "one line");
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            assertTrue(c >= 0x20, "raw control character at " + i);
            assertFalse(c == '\u2028' || c == '\u2029', "raw line separator at " + i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(Character.isLowSurrogate(line.charAt(++i)), "unpaired surrogate at " + i);
            } else {
                assertFalse(Character.isSurrogate(c), "unpaired surrogate at " + i);
            }
        }
        Map<?, ?> e = (Map<?, ?>) Json.parse(line);
        assertEquals(HOSTILE, e.get("target"));
        assertEquals(HOSTILE, e.get("message"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(HOSTILE, HOSTILE);
        fields.put("k", HOSTILE);
        assertEquals(fields, e.get("fields"));
        Map<?, ?> span = (Map<?, ?>) ((List<?>) e.get("spans")).get(0);
        assertEquals(HOSTILE, span.get("name"));
        assertEquals(Map.of(HOSTILE, HOSTILE), span.get("fields"));
    }

    @Test
    void everyControlCharacterIsEscaped() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        String json = JsonLinesSubscriber.toJson(new Event(Level.INFO, "t", all.toString(), List.of(), null, "th",
                java.time.Instant.EPOCH));
        assertTrue(json.contains("\"message\":\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n"
                + "\\u000b\\f\\r\\u000e\\u000f\\u0010"), json);
        assertTrue(json.startsWith("{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"INFO\""), json);
        assertEquals(all.toString(), ((Map<?, ?>) Json.parse(json)).get("message"));
    }

    @Test
    void concurrentEventsFromInstrumentedTasksAreWholeLines() {
        StringWriter out = new StringWriter();
        installed = Tracing.install(JsonLinesSubscriber.to(out, Level.INFO));
        int tasks = 32;
        int polls = 20;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                hs.add(rt.spawn(TracingTest.chatty(i, polls).instrument(Tracing.tracer("test.app")
                        .span(Level.INFO, "task", "task", i))));
            }
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
        }
        String[] lines = out.toString().split("\n");
        assertEquals(tasks * (polls + 1), lines.length);
        for (String line : lines) {
            Map<?, ?> e = (Map<?, ?>) Json.parse(line);
            Object task = ((Map<?, ?>) e.get("fields")).get("task");
            Map<?, ?> span = (Map<?, ?>) ((List<?>) e.get("spans")).get(0);
            assertEquals(task, ((Map<?, ?>) span.get("fields")).get("task"), line);
        }
    }

    @Test
    void theReaderIsStrict() {
        for (String bad : List.of("{\"a\":1,}", "\"\n\"", "\"\\x\"", "[1 2]", "{a:1}", "01", "\"\\u12\"", "1 x")) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }

    /** A strict RFC 8259 reader: objects as insertion-ordered maps, integers as Long/BigInteger, others Double. */
    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != text.length()) {
                throw j.error("trailing text");
            }
            return v;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at " + i + " in " + s);
        }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected " + c);
            }
            i++;
        }

        private Object value() {
            ws();
            char c = peek();
            switch (c) {
                case '{' -> {
                    i++;
                    Map<String, Object> m = new LinkedHashMap<>();
                    ws();
                    if (peek() == '}') {
                        i++;
                        return m;
                    }
                    while (true) {
                        ws();
                        String k = string();
                        ws();
                        expect(':');
                        m.put(k, value());
                        ws();
                        if (peek() == ',') {
                            i++;
                        } else {
                            expect('}');
                            return m;
                        }
                    }
                }
                case '[' -> {
                    i++;
                    List<Object> l = new ArrayList<>();
                    ws();
                    if (peek() == ']') {
                        i++;
                        return l;
                    }
                    while (true) {
                        l.add(value());
                        ws();
                        if (peek() == ',') {
                            i++;
                        } else {
                            expect(']');
                            return l;
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    for (String lit : List.of("true", "false", "null")) {
                        if (s.startsWith(lit, i)) {
                            i += lit.length();
                            return lit.equals("null") ? null : Boolean.valueOf(lit);
                        }
                    }
                    return number();
                }
            }
        }

        private Object number() {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?").matcher(s).region(i, s.length());
            if (!m.lookingAt()) {
                throw error("bad value");
            }
            String n = m.group();
            i = m.end();
            if (m.group(2) == null && m.group(3) == null) {
                BigInteger b = new BigInteger(n);
                return b.bitLength() < 64 ? (Object) b.longValue() : b;
            }
            return Double.parseDouble(n);
        }

        private String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = peek();
                i++;
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("raw control character");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = peek();
                i++;
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length() || !s.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) {
                            throw error("bad \\u escape");
                        }
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> throw error("bad escape");
                }
            }
        }
    }
}
