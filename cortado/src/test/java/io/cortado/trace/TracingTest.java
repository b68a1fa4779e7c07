package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events, spans, subscribers, and span context following instrumented tasks across workers. */
class TracingTest extends SubscriberTestBase {
    static final Tracer LOG = Tracing.tracer("test.app");

    /** Records everything; wants {@code max} and more severe, from every target but "muted". */
    static final class Recorder implements Subscriber {
        final Level max;
        final List<Event> events = new CopyOnWriteArrayList<>();
        final Map<Long, AtomicInteger> entered = new ConcurrentHashMap<>();
        final Map<Long, AtomicInteger> exited = new ConcurrentHashMap<>();
        final Map<Long, AtomicInteger> closed = new ConcurrentHashMap<>();
        final List<Span> created = new CopyOnWriteArrayList<>();

        Recorder(Level max) {
            this.max = max;
        }

        @Override
        public Level maxLevel() {
            return max;
        }

        @Override
        public boolean enabled(Level level, String target) {
            return !target.equals("muted");
        }

        @Override
        public void event(Event event) {
            events.add(event);
        }

        @Override
        public void spanCreated(Span span) {
            created.add(span);
        }

        @Override
        public void spanEntered(Span span) {
            entered.computeIfAbsent(span.id(), k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void spanExited(Span span) {
            exited.computeIfAbsent(span.id(), k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void spanClosed(Span span) {
            closed.computeIfAbsent(span.id(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private Recorder install(Level max) {
        Recorder r = new Recorder(max);
        installed = Tracing.install(r);
        return r;
    }

    @Test
    void eventsCarryLevelTargetMessageAndFieldsAndAreFilteredByLevelAndTarget() {
        Recorder r = install(Level.INFO);
        LOG.debug("too verbose", "k", 1);
        LOG.info("placed", "order", 42, "items", 3);
        LOG.warn("odd", "a", 1, "b", 2, "c", 3);
        LOG.error("plain");
        Tracing.tracer("muted").error("not wanted");
        assertEquals(3, r.events.size());
        Event e = r.events.get(0);
        assertEquals(Level.INFO, e.level());
        assertEquals("test.app", e.target());
        assertEquals("placed", e.message());
        assertEquals(42, e.field("order"));
        assertEquals(3, e.field("items"));
        assertEquals(Thread.currentThread().getName(), e.thread());
        assertNull(e.span());
        assertEquals(List.of("a", "b", "c"), r.events.get(1).fields().stream().map(Field::name).toList());
        assertTrue(LOG.isEnabled(Level.WARN));
        assertFalse(LOG.isEnabled(Level.DEBUG));
        assertThrows(IllegalArgumentException.class, () -> LOG.info("odd count", "a", 1, "b"));
    }

    @Test
    void subscriberIsTheInstalledOneAndANoOpOtherwise() throws Exception {
        Subscriber none = Tracing.subscriber();
        assertTrue(none != null && !(none instanceof Recorder), "nothing installed: the no-op subscriber");
        assertFalse(Tracing.isOn(Level.ERROR));
        Recorder r = new Recorder(Level.INFO);
        AutoCloseable outer = Tracing.install(r);
        assertSame(r, Tracing.subscriber());
        Recorder inner = new Recorder(Level.TRACE);
        AutoCloseable nested = Tracing.install(inner);
        assertSame(inner, Tracing.subscriber());
        nested.close();
        assertSame(r, Tracing.subscriber(), "closing restores the previous one");
        outer.close();
        assertSame(none, Tracing.subscriber(), "and then the no-op one");
    }

    @Test
    void withNoSubscriberNothingIsProducedAndSpansAreNone() {
        assertFalse(Tracing.isOn(Level.ERROR));
        Span s = LOG.span(Level.ERROR, "x");
        assertSame(Span.NONE, s);
        Future<Integer> f = Futures.ready(1);
        assertSame(f, f.instrument(s), "instrumenting with NONE changes nothing");
        s.inScope(() -> assertNull(Span.current()));
        // a mistake in the fields shows at every level, not only once someone turns the level on
        assertThrows(IllegalArgumentException.class, () -> LOG.debug("odd", "a", 1, "b"));
        assertThrows(IllegalArgumentException.class, () -> LOG.event(Level.TRACE, "odd", "a"));
        assertThrows(IllegalArgumentException.class, () -> LOG.span(Level.ERROR, "odd", "a", 1, "b"));
    }

    @Test
    void syncSpansNestRestoreAndKnowTheirParent() {
        Recorder r = install(Level.TRACE);
        Span outer = LOG.span(Level.INFO, "outer", "id", 1);
        Span[] inner = new Span[1];
        outer.inScope(() -> {
            inner[0] = LOG.span(Level.DEBUG, "inner");
            assertSame(outer, inner[0].parent());
            Span.Entered b = inner[0].enter();
            try {
                assertSame(inner[0], Span.current());
                LOG.info("inside");
            } finally {
                b.close();
            }
            assertSame(outer, Span.current());
            inner[0].close();
            inner[0].close();
            assertEquals(1, r.closed.get(inner[0].id()).get(), "closed once");
        });
        assertNull(Span.current());
        assertEquals("inner", r.events.get(0).span().name());
        assertEquals(List.of(outer, r.created.get(1)), r.created);
    }

    /** Yields {@code n} times, emitting an event with {@code task} on every poll. */
    static Future<Integer> chatty(int task, int n) {
        int[] left = {n};
        return cx -> {
            LOG.info("poll", "task", task);
            if (left[0]-- > 0) {
                cx.waker().wake();
                return Poll.pending();
            }
            return Poll.ready(task);
        };
    }

    @Test
    void instrumentedTasksCarryTheirOwnSpanOnEveryPollOnAnyWorker() {
        Recorder r = install(Level.TRACE);
        int tasks = 64;
        int polls = 30;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            List<Span> spans = new ArrayList<>();
            // tasks 0 and 1 meet in their first polls, so two workers poll at once: the events come from >= 2 threads
            CyclicBarrier meet = new CyclicBarrier(2);
            for (int i = 0; i < tasks; i++) {
                Span s = LOG.span(Level.INFO, "task", "task", i);
                spans.add(s);
                Future<Integer> f = i < 2 ? meetingFirst(meet, chatty(i, polls)) : chatty(i, polls);
                hs.add(rt.spawn(f.instrument(s)));
            }
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
            List<Event> mine = r.events.stream().filter(e -> e.message().equals("poll")).toList();
            assertEquals(tasks * (polls + 1), mine.size());
            for (Event e : mine) {
                assertTrue(e.span() != null, "an event outside its task's span");
                assertEquals(e.field("task"), e.span().fields().get(0).value(), "an event in another task's span");
            }
            for (Span s : spans) {
                assertEquals(polls + 1, r.entered.get(s.id()).get(), "entered around every poll");
                assertEquals(polls + 1, r.exited.get(s.id()).get());
                assertEquals(1, r.closed.get(s.id()).get(), "closed when the task completed");
                assertTrue(s.isClosed());
            }
            String first0 = mine.stream().filter(e -> e.field("task").equals(0)).findFirst().orElseThrow().thread();
            String first1 = mine.stream().filter(e -> e.field("task").equals(1)).findFirst().orElseThrow().thread();
            assertNotEquals(first0, first1, "tasks 0 and 1 were polled at once, so on two workers");
            assertTrue(mine.stream().map(Event::thread).distinct().count() >= 2, "events from two workers at least");
        }
    }

    /** Waits at {@code barrier} (blocking its worker) in the first poll, then polls {@code f}. */
    static <T> Future<T> meetingFirst(CyclicBarrier barrier, Future<T> f) {
        boolean[] met = {false};
        return cx -> {
            if (!met[0]) {
                met[0] = true;
                try {
                    barrier.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new AssertionError("the other task was not polled while this one waited", e);
                }
            }
            return f.poll(cx);
        };
    }

    @Test
    void cancellingAnInstrumentedFutureClosesItsSpanWithTheSpanCurrentInCancel() {
        Recorder r = install(Level.TRACE);
        Span s = LOG.span(Level.INFO, "doomed");
        List<Span> currentAtCancel = new ArrayList<>();
        Future<Void> f = new Future<Void>() {
            @Override
            public Poll<Void> poll(Context cx) {
                return Poll.pending();
            }

            @Override
            public void cancel() {
                currentAtCancel.add(Span.current());
            }
        }.instrument(s);
        assertFalse(f.poll(Context.of(new TestWaker())).isReady());
        assertNull(Span.current(), "exited after the poll");
        f.cancel();
        assertEquals(List.of(s), currentAtCancel);
        assertEquals(1, r.closed.get(s.id()).get());
        assertTrue(s.wasCancelled());

        Span failing = LOG.span(Level.INFO, "failing");
        Future<Void> boom = Futures.<Void>lazy(() -> {
            throw new IllegalStateException("boom");
        }).instrument(failing);
        assertThrows(IllegalStateException.class, () -> boom.poll(Context.of(new TestWaker())));
        assertTrue(failing.isClosed());
        assertEquals("boom", failing.failure().getMessage());
        assertFalse(failing.wasCancelled());
    }
}
