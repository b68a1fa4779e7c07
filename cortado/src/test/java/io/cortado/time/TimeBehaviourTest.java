package io.cortado.time;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.internal.time.TimeDriver;
import io.cortado.testing.Probe;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timers on every runtime flavour: sleep, reset, timeout, interval, paused time ({@link TimeTest} runs it). */
abstract class TimeBehaviourTest extends RuntimeTestBase {
    protected AsyncRuntime rt;

    protected abstract AsyncRuntime.Builder flavour();

    /** @return whether spawned tasks run on other threads while a {@code blockOn} future runs */
    protected boolean tasksRunBesideBlockOn() {
        return false;
    }

    @BeforeEach
    void start() {
        rt = flavour().startPaused(true).build();
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    private Clock clock() {
        return rt.handle().clock();
    }

    private int filedTimers() {
        return ((TimeDriver) clock()).size();
    }

    @Test
    void pausedTimeAutoAdvancesAnHourInAnInstant() {
        Instant t0 = clock().now();
        rt.blockOn(Futures.lazy(() -> Sleep.sleep(Duration.ofHours(1))).then(s -> s));
        Duration passed = Duration.between(t0, clock().now());
        assertTrue(passed.compareTo(Duration.ofHours(1)) >= 0, "never early: " + passed);
        assertTrue(passed.compareTo(Duration.ofHours(1).plusMillis(2)) <= 0, "jumps to the deadline: " + passed);
    }

    @Test
    void aPausedClockStandsStillWhileTheBlockOnFutureRuns() {
        Instant t0 = clock().now();
        Duration moved = rt.blockOn(Futures.lazy(() -> {
            Task.spawn(Sleep.sleep(Duration.ofSeconds(10)));
            long spinUntil = Long.MAX_VALUE;
            for (long now = System.nanoTime(); now < spinUntil; now = System.nanoTime()) { // busy, never parked
                if (spinUntil == Long.MAX_VALUE && (filedTimers() > 0 || !tasksRunBesideBlockOn())) {
                    spinUntil = now + 100_000_000L; // the sleep is filed (its worker may park): spin on 100 ms
                }
            }
            return Futures.ready(Duration.between(t0, clock().now()));
        }).then(f -> f));
        assertEquals(Duration.ZERO, moved, "time moved while the blockOn future was running");
    }

    @Test
    void timersPendingWhenTheirRuntimeClosesFailWithAClearErrorInsteadOfHanging() {
        AsyncRuntime other = flavour().threadNamePrefix("closing-rt").build();
        Clock c = other.handle().clock();
        Sleep sleep = Sleep.sleep(c, Duration.ofHours(1));
        Timeout<Void> timeout = Timeout.timeout(c, Duration.ofHours(1), Futures.pending());
        Future<Instant> tick = Interval.every(c, Duration.ofHours(1)).tick();
        TestWaker ws = new TestWaker();
        TestWaker wt = new TestWaker();
        TestWaker wi = new TestWaker();
        assertTrue(tick.poll(wi.context()).isReady(), "an interval's first tick is at once");
        assertFalse(sleep.poll(ws.context()).isReady());
        assertFalse(timeout.poll(wt.context()).isReady());
        assertFalse(tick.poll(wi.context()).isReady());
        other.close();
        assertEquals(1, ws.wakes(), "the close wakes a pending sleep");
        assertEquals(1, wt.wakes(), "the close wakes a pending timeout");
        assertEquals(1, wi.wakes(), "the close wakes a pending interval");
        for (Future<?> f : List.of(sleep, timeout, tick)) {
            TestWaker w = f == sleep ? ws : f == timeout ? wt : wi;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.poll(w.context()));
            assertTrue(e.getMessage().contains("closing-rt"), e.getMessage());
        }
        Sleep late = Sleep.sleep(c, Duration.ofMillis(1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> late.poll(new TestWaker().context()), "a sleep on a closed runtime's clock");
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        Sleep viaOther = Sleep.sleep(c, Duration.ofHours(1));
        assertThrows(IllegalStateException.class, () -> rt.blockOn(viaOther), "polled by another runtime");
    }

    @Test
    void autoAdvanceForABlockOnNeverHangs() {
        // The waiter registers its timer and parks while the workers are already parked: the driver must notice.
        for (int i = 0; i < 100; i++) {
            int minutes = 1 + i % 7;
            try (AsyncRuntime r = flavour().startPaused(true).build()) {
                r.blockOn(Futures.lazy(() -> Sleep.sleep(Duration.ofMinutes(minutes))).then(s -> s));
            }
        }
    }

    @Test
    void manyTimersCompleteInDeadlineOrder() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 2_000;
        List<Long> finishedAt = Collections.synchronizedList(new ArrayList<>());
        Instant t0 = clock().now();
        rt.blockOn(Futures.lazy(() -> {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long ms = 1 + rnd.nextLong(100_000);
                hs.add(Task.spawn(Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(ms))).then(s -> s).map(v -> {
                    long at = Duration.between(t0, Clock.current().now()).toMillis();
                    assertTrue(at >= ms, "woke at " + at + " before its deadline " + ms);
                    finishedAt.add(at);
                    return null;
                })));
            }
            return Futures.joinAll(hs);
        }).then(f -> f));
        assertEquals(n, finishedAt.size());
        assertEquals(0, filedTimers(), "nothing left in the wheel");
    }

    @Test
    void advanceFiresExactlyWhatIsDue() {
        Sleep s = Sleep.sleep(clock(), Duration.ofMillis(10));
        Sleep later = Sleep.sleep(clock(), Duration.ofMillis(11)); // one tick after: not due when s is
        io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
        io.cortado.testing.TestWaker wLater = new io.cortado.testing.TestWaker();
        io.cortado.Context cx = io.cortado.Context.of(w);
        assertFalse(s.poll(cx).isReady());
        assertFalse(later.poll(wLater.context()).isReady());
        clock().advance(Duration.ofMillis(9));
        assertEquals(0, w.wakes());
        assertFalse(s.poll(cx).isReady());
        clock().advance(Duration.ofMillis(1));
        assertEquals(1, w.wakes(), "woken when the clock reaches the deadline");
        assertTrue(s.poll(cx).isReady());
        assertEquals(0, wLater.wakes(), "a timer due a millisecond later is not fired");
        assertFalse(later.poll(wLater.context()).isReady());
        clock().advance(Duration.ofMillis(1));
        assertEquals(1, wLater.wakes());
        assertTrue(later.poll(wLater.context()).isReady());
    }

    @Test
    void aSleepKnowsItsDeadlineAndWhetherItElapsed() {
        Instant t0 = clock().now();
        Sleep s = Sleep.sleep(clock(), Duration.ofMillis(10));
        assertEquals(t0.plusMillis(10), s.deadline());
        assertFalse(s.isElapsed());
        io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
        assertFalse(s.poll(w.context()).isReady());
        clock().advance(Duration.ofMillis(9));
        assertFalse(s.isElapsed(), "a millisecond early");
        clock().advance(Duration.ofMillis(1));
        assertTrue(s.isElapsed(), "elapsed at the deadline, before the next poll");
        assertTrue(s.poll(w.context()).isReady());
        s.reset(clock().now().plusSeconds(3));
        assertEquals(t0.plusMillis(10).plusSeconds(3), s.deadline(), "reset moves the deadline");
        assertFalse(s.isElapsed());
        Sleep unpolled = Sleep.until(clock(), t0.plusMillis(20)); // never polled: no timer filed, still elapses
        assertEquals(t0.plusMillis(20), unpolled.deadline());
        assertFalse(unpolled.isElapsed());
        clock().advance(Duration.ofMillis(10));
        assertTrue(unpolled.isElapsed());
    }

    @Test
    void anIntervalStartingAtTicksFirstAtItsStartThenEveryPeriod() {
        Instant t0 = clock().now();
        Instant start = t0.plusSeconds(5);
        Interval iv = Interval.startingAt(clock(), start, Duration.ofSeconds(2));
        assertEquals(Duration.ofSeconds(2), iv.period());
        io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
        assertFalse(iv.pollTick(w.context()).isReady(), "the first tick is at the start, not now");
        clock().advance(Duration.ofMillis(4_999));
        assertEquals(0, w.wakes());
        clock().advance(Duration.ofMillis(1));
        assertEquals(1, w.wakes());
        assertEquals(start, iv.pollTick(w.context()).value());
        assertFalse(iv.pollTick(w.context()).isReady());
        clock().advance(Duration.ofSeconds(2));
        assertEquals(start.plusSeconds(2), iv.pollTick(w.context()).value(), "then every period after the start");
        Interval past = Interval.startingAt(clock(), t0, Duration.ofSeconds(1)); // a start in the past: at once
        assertEquals(t0, past.pollTick(w.context()).value());
    }

    @Test
    void resetMovesTheDeadlineWithoutANewTimer() {
        Sleep s = Sleep.sleep(clock(), Duration.ofMillis(10));
        io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
        io.cortado.Context cx = io.cortado.Context.of(w);
        assertFalse(s.poll(cx).isReady());
        s.reset(clock().now().plusMillis(50));
        assertEquals(1, filedTimers());
        clock().advance(Duration.ofMillis(20));
        assertFalse(s.poll(cx).isReady(), "the old deadline no longer counts");
        clock().advance(Duration.ofMillis(30));
        assertTrue(s.poll(cx).isReady());
        s.reset(clock().now().plusMillis(5)); // a completed sleep can be reset and waited on again
        assertFalse(s.poll(cx).isReady());
        clock().advance(Duration.ofMillis(5));
        assertTrue(s.poll(cx).isReady());
        s.reset(clock().now().minusMillis(1));
        assertTrue(s.poll(cx).isReady(), "a deadline in the past completes at once");
        assertEquals(0, filedTimers());
    }

    @Test
    void negativeAndZeroDurationsCompleteAtOnce() {
        io.cortado.Context cx = io.cortado.Context.of(io.cortado.Waker.noop());
        assertTrue(Sleep.sleep(clock(), Duration.ofMillis(-5)).poll(cx).isReady());
        assertTrue(Sleep.sleep(clock(), Duration.ZERO).poll(cx).isReady());
        assertTrue(Sleep.until(clock(), Instant.EPOCH).poll(cx).isReady());
        assertEquals(0, filedTimers());
    }

    @Test
    void badArgumentsNameTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Interval.every(clock(), Duration.ZERO));
        assertTrue(e.getMessage().startsWith("period"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> clock().advance(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("duration"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Sleep.sleep(Duration.ofMillis(1)),
                "no runtime on this thread");
        clock().resume();
        assertThrows(IllegalStateException.class, () -> clock().advance(Duration.ofMillis(1)));
    }

    @Test
    void timeoutFailsAndCancelsTheInnerFuture() {
        Probe<String> never = new Probe<>();
        JoinException e = assertThrows(JoinException.class, () -> rt.blockOn(rt.spawn(
                Futures.lazy(() -> never.timeout(Duration.ofSeconds(30))).then(t -> t))));
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals(1, never.cancels());
        assertEquals(0, filedTimers());
    }

    @Test
    void timeoutPassesTheValueWhenTheFutureWins() {
        String v = rt.blockOn(rt.spawn(Futures.lazy(() -> Timeout.timeout(Duration.ofSeconds(30),
                Futures.lazy(() -> Sleep.sleep(Duration.ofSeconds(10))).then(s -> s).map(x -> "in time")))
                .then(t -> t)));
        assertEquals("in time", v);
        assertEquals(0, filedTimers(), "the timeout's timer is removed");
    }

    @Test
    void abortingASleepingTaskFromAnotherThreadEmptiesTheWheel() {
        rt.close();
        rt = flavour().build(); // a running clock: a paused one would let the idle runtime jump to the deadlines
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int ms = 600_000 + i;
            hs.add(rt.spawn(Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(ms))).then(s -> s)));
        }
        rt.blockOn(rt.spawn(Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(1))).then(s -> s))); // all registered
        awaitCondition(() -> filedTimers() == 1_000, "every sleep registered");
        hs.forEach(JoinHandle::abort); // from the test thread
        for (JoinHandle<Void> h : hs) {
            assertTrue(assertThrows(JoinException.class, () -> rt.blockOn(h)).isCancelled());
        }
        assertEquals(0, filedTimers());
    }

    @Test
    void intervalBurstDelayAndSkipTickAtExactTimes() {
        // after the second tick the consumer is busy for 25 ms: the ticks at 20 and 30 are missed
        assertEquals(List.of(0L, 10L, 35L, 35L, 40L, 50L), ticks(MissedTickBehavior.BURST, false));
        assertEquals(List.of(0L, 10L, 20L, 30L, 40L, 50L), ticks(MissedTickBehavior.BURST, true));
        assertEquals(List.of(0L, 10L, 35L, 45L, 55L, 65L), ticks(MissedTickBehavior.DELAY, false));
        assertEquals(List.of(0L, 10L, 20L, 45L, 55L, 65L), ticks(MissedTickBehavior.DELAY, true));
        assertEquals(List.of(0L, 10L, 35L, 40L, 50L, 60L), ticks(MissedTickBehavior.SKIP, false));
        assertEquals(List.of(0L, 10L, 20L, 40L, 50L, 60L), ticks(MissedTickBehavior.SKIP, true));
    }

    /**
     * Six ticks of a 10 ms interval, advancing the paused clock 1 ms at a time; after the second tick the consumer
     * is busy for 25 ms.
     *
     * @param scheduled the ticks' scheduled instants if true, else the clock when each tick completed
     */
    private List<Long> ticks(MissedTickBehavior b, boolean scheduled) {
        Clock c = clock();
        Instant t0 = c.now();
        Interval iv = Interval.every(c, Duration.ofMillis(10));
        iv.setMissedTickBehavior(b);
        List<Long> at = new ArrayList<>();
        io.cortado.Context cx = io.cortado.Context.of(io.cortado.Waker.noop());
        for (int i = 0; i < 6; i++) {
            Poll<Instant> p;
            while (!(p = iv.pollTick(cx)).isReady()) {
                c.advance(Duration.ofMillis(1));
            }
            at.add(Duration.between(t0, scheduled ? p.value() : c.now()).toMillis());
            if (i == 1) {
                c.advance(Duration.ofMillis(25));
            }
        }
        return at;
    }

    @Test
    void realTimeSleepNeverCompletesEarly() {
        try (AsyncRuntime real = flavour().build()) {
            Clock c = real.handle().clock();
            assertFalse(c.isPaused());
            long t0 = System.nanoTime();
            real.blockOn(real.spawn(Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(30))).then(s -> s)));
            assertTrue(System.nanoTime() - t0 >= 30_000_000L, "slept at least 30 ms");
        }
    }

    @Test
    void aMillionTimersRegisteredAndCancelledLeaveTheWheelEmpty() {
        int n = 1_000_000 * Math.max(1, stressScale() / 20);
        rt.blockOn(Futures.lazy(() -> {
            io.cortado.Context cx = io.cortado.Context.of(io.cortado.Waker.noop());
            for (int i = 0; i < n; i++) {
                Sleep s = Sleep.sleep(Duration.ofMillis(1 + (i * 7919L) % 100_000));
                s.poll(cx);
                s.cancel();
            }
            return Futures.ready(null);
        }).then(f -> f));
        assertEquals(0, filedTimers());
    }
}
