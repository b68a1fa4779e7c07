package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.JoinHandle;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ConsoleSubscriber's line format, filtering, span lines, and whole lines under concurrent events. */
class ConsoleSubscriberTest extends SubscriberTestBase {
    static final Tracer LOG = Tracing.tracer("test.app");
    static final String TS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @Test
    void anEventIsOneLineWithTimestampLevelThreadTargetMessageFieldsAndSpanContext() {
        List<String> lines = new ArrayList<>();
        installed = Tracing.install(ConsoleSubscriber.builder().output(lines::add).minLevel(Level.DEBUG).build());
        Span request = LOG.span(Level.INFO, "request", "path", "/x");
        request.inScope(() -> {
            Span task = LOG.span(Level.DEBUG, "task", "id", 7);
            task.inScope(() -> LOG.info("order placed", "order", 42, "items", 3));
            task.close();
        });
        request.close();
        LOG.warn("outside");
        LOG.trace("too verbose");
        assertEquals(2, lines.size(), lines.toString());
        String thread = Pattern.quote(Thread.currentThread().getName());
        assertTrue(lines.get(0).matches(TS + "  INFO " + thread
                + " test\\.app: order placed order=42 items=3 \\[request\\{path=/x\\} > task\\{id=7\\}\\]"), lines.get(0));
        assertTrue(lines.get(1).matches(TS + "  WARN " + thread + " test\\.app: outside"), lines.get(1));
    }

    @Test
    void valuesThatWouldBreakTheLineAreQuotedAndEscaped() {
        List<String> lines = new ArrayList<>();
        installed = Tracing.install(ConsoleSubscriber.builder().output(lines::add).minLevel(Level.TRACE).build());
        Span s = LOG.span(Level.INFO, "bare");
        s.inScope(() -> LOG.error("two\nlines", "a", "x y", "b", "", "c", "q\"\\", "d", null, "e", "line\nbreak"));
        s.close();
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).endsWith(" ERROR " + Thread.currentThread().getName()
                + " test.app: two\\nlines a=\"x y\" b=\"\" c=\"q\\\"\\\\\" d=null e=\"line\\nbreak\" [bare]"), lines.get(0));
    }

    @Test
    void spanLinesAreWrittenAtTraceWhenAskedFor() {
        List<String> lines = new ArrayList<>();
        installed = Tracing.install(ConsoleSubscriber.builder().output(lines::add).minLevel(Level.TRACE)
                .spanLines(true).build());
        Span outer = LOG.span(Level.INFO, "request", "path", "/x");
        outer.inScope(() -> LOG.span(Level.DEBUG, "task").close());
        outer.close();
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches(TS + " TRACE .* test\\.app: span opened \\[request\\{path=/x\\}\\]"),
                lines.get(0));
        assertTrue(lines.get(1).contains(": span opened [request{path=/x} > task]"), lines.get(1));
        assertTrue(lines.get(2).matches(TS + " TRACE .*: span closed \\[request\\{path=/x\\} > task\\] "
                + "elapsed=[0-9.]+(us|ms|s)"), lines.get(2));
        assertTrue(lines.get(3).contains(": span closed [request{path=/x}] elapsed="), lines.get(3));
    }

    @Test
    void noSpanLinesUnlessTheMinimumLevelIsTrace() {
        List<String> lines = new ArrayList<>();
        installed = Tracing.install(ConsoleSubscriber.builder().output(lines::add).minLevel(Level.DEBUG)
                .spanLines(true).build());
        LOG.span(Level.INFO, "request").close();
        assertEquals(List.of(), lines);
    }

    @Test
    void concurrentEventsFromInstrumentedTasksNeverInterleaveWithinALine() {
        StringWriter out = new StringWriter();
        installed = Tracing.install(ConsoleSubscriber.builder().output(out).minLevel(Level.INFO).build());
        int tasks = 32;
        int polls = 40;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                hs.add(rt.spawn(TracingTest.chatty(i, polls).instrument(LOG.span(Level.INFO, "task", "id", i))));
            }
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
        }
        String text = out.toString();
        assertTrue(text.endsWith("\n"));
        String[] lines = text.split("\n");
        assertEquals(tasks * (polls + 1), lines.length);
        Pattern p = Pattern.compile(TS + "  INFO (cortado\\S*) test\\.app: poll task=(\\d+) \\[task\\{id=(\\d+)\\}\\]");
        for (String line : lines) {
            Matcher m = p.matcher(line);
            assertTrue(m.matches(), line);
            assertEquals(m.group(2), m.group(3), "an event in another task's span: " + line);
        }
    }

    @Test
    void aPrintStreamGetsOnePrintlnPerEvent() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        installed = Tracing.install(ConsoleSubscriber.builder().output(ps).build());
        LOG.info("héllo", "k", "√");
        LOG.debug("filtered: the default minimum is INFO");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches(TS + "  INFO .+ test\\.app: héllo k=√" + System.lineSeparator()), text);
    }
}
