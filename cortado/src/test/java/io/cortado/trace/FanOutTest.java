package io.cortado.trace;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Subscriber.fanOut: the most verbose level, and each child sees exactly what it wants. */
class FanOutTest extends SubscriberTestBase {
    static final Tracer LOG = Tracing.tracer("test.app");
    static final Tracer MUTED = Tracing.tracer("muted");

    @Test
    void levelIsTheMostVerboseAndEachChildGetsOnlyWhatItWants() {
        TracingTest.Recorder warn = new TracingTest.Recorder(Level.WARN); // mutes target "muted"
        TracingTest.Recorder debug = new TracingTest.Recorder(Level.DEBUG);
        Subscriber both = Subscriber.fanOut(warn, allTargets(debug));
        assertEquals(Level.DEBUG, both.maxLevel());
        installed = Tracing.install(both);
        assertTrue(Tracing.isOn(Level.DEBUG));
        assertFalse(Tracing.isOn(Level.TRACE));

        LOG.trace("nobody");
        LOG.debug("debug only");
        LOG.warn("both");
        MUTED.error("muted for warn");
        assertEquals(List.of("both"), warn.events.stream().map(Event::message).toList());
        assertEquals(List.of("debug only", "both", "muted for warn"),
                debug.events.stream().map(Event::message).toList());

        Span info = LOG.span(Level.INFO, "info span");
        Span error = LOG.span(Level.ERROR, "error span");
        info.inScope(() -> { });
        error.inScope(() -> { });
        info.close();
        error.close();
        assertEquals(List.of(error), warn.created);
        assertEquals(List.of(info, error), debug.created);
        for (TracingTest.Recorder r : List.of(warn, debug)) {
            for (Span s : r.created) {
                assertEquals(1, r.entered.get(s.id()).get());
                assertEquals(1, r.exited.get(s.id()).get());
                assertEquals(1, r.closed.get(s.id()).get());
            }
        }
        assertNull(warn.entered.get(info.id()), "no transitions of a span the child did not want");
        assertNull(warn.closed.get(info.id()));
        assertSame(Span.NONE, LOG.span(Level.TRACE, "nobody wants it"));
        assertTrue(both.enabled(Level.ERROR, "muted"));
        assertFalse(Subscriber.fanOut(warn, new TracingTest.Recorder(Level.ERROR)).enabled(Level.ERROR, "muted"));
    }

    /** {@code r}, but wanting every target (the Recorder mutes "muted"). */
    static Subscriber allTargets(TracingTest.Recorder r) {
        return new Subscriber() {
            @Override
            public Level maxLevel() {
                return r.maxLevel();
            }

            @Override
            public void event(Event event) {
                r.event(event);
            }

            @Override
            public void spanCreated(Span span) {
                r.spanCreated(span);
            }

            @Override
            public void spanEntered(Span span) {
                r.spanEntered(span);
            }

            @Override
            public void spanExited(Span span) {
                r.spanExited(span);
            }

            @Override
            public void spanClosed(Span span) {
                r.spanClosed(span);
            }
        };
    }

    @Test
    void consoleAndJsonTogether() {
        List<String> console = new ArrayList<>();
        List<String> json = new ArrayList<>();
        installed = Tracing.install(Subscriber.fanOut(
                ConsoleSubscriber.builder().output(console::add).minLevel(Level.WARN).build(),
                JsonLinesSubscriber.to(json::add, Level.INFO),
                JfrSubscriber.create()));
        LOG.info("info", "k", 1);
        LOG.error("error");
        assertEquals(1, console.size());
        assertTrue(console.get(0).endsWith("test.app: error"), console.get(0));
        assertEquals(2, json.size());
        assertTrue(json.get(0).contains("\"message\":\"info\",\"fields\":{\"k\":1}"), json.get(0));
    }

    @Test
    void oneIsItselfAndNoneIsAnError() {
        Subscriber one = new TracingTest.Recorder(Level.INFO);
        assertSame(one, Subscriber.fanOut(one));
        assertThrows(IllegalArgumentException.class, Subscriber::fanOut);
        assertThrows(NullPointerException.class, () -> Subscriber.fanOut(one, null));
    }
}
