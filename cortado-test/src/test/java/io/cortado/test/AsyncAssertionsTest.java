package io.cortado.test;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.sync.Oneshot;
import io.cortado.testing.Probe;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Clock;
import io.cortado.time.Sleep;
import io.cortado.time.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.cortado.test.AsyncAssertions.assertCompletesWithin;
import static io.cortado.test.AsyncAssertions.assertPending;
import static io.cortado.test.AsyncAssertions.assertReady;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AsyncAssertions} and {@link TestWaker}, on a paused current-thread runtime where time is involved. */
class AsyncAssertionsTest extends RuntimeTestBase {
    private AsyncRuntime rt;
    private Clock clock;
    private Instant start;

    @BeforeEach
    void pausedRuntime() {
        rt = AsyncRuntime.builder().currentThread().startPaused(true).build();
        clock = rt.handle().clock();
        start = clock.now();
    }

    @AfterEach
    void close() {
        rt.close();
    }

    private Duration elapsed() {
        return Duration.between(start, clock.now());
    }

    @Test
    void aFutureWithinTheLimitPassesWithItsValue() {
        long realStart = System.nanoTime();
        String v = rt.blockOn(assertCompletesWithin(Duration.ofSeconds(5),
                Sleep.sleep(clock, Duration.ofSeconds(4)).map(x -> "done")));
        assertEquals("done", v);
        assertEquals(Duration.ofSeconds(4), elapsed());
        assertTrue(System.nanoTime() - realStart < 5_000_000_000L, "4 s of paused time cost no real time");
    }

    @Test
    void aFutureOverTheLimitFailsAtTheLimitAndIsCancelled() {
        Probe<String> never = new Probe<>();
        AssertionError e = assertThrows(AssertionError.class,
                () -> rt.blockOn(assertCompletesWithin(Duration.ofSeconds(5), never)));
        assertEquals("did not complete within 5s of runtime time", e.getMessage());
        assertEquals(Duration.ofSeconds(5), elapsed());
        assertEquals(1, never.cancels());
        assertEquals(0, rt.handle().aliveTasks());
    }

    @Test
    void theLimitRunsFromTheFirstPollOnThePollingRuntimesClock() {
        Future<Void> limited = assertCompletesWithin(Duration.ofMillis(250), Sleep.sleep(clock,
                Duration.ofSeconds(1)));
        clock.advance(Duration.ofMillis(200)); // before the first poll: does not count against the limit
        AssertionError e = assertThrows(AssertionError.class, () -> rt.blockOn(limited));
        assertEquals("did not complete within 250ms of runtime time", e.getMessage());
        assertEquals(Duration.ofMillis(450), elapsed());
    }

    @Test
    void aTimeoutExceptionOfTheInnerFutureIsNotMistakenForTheLimit() {
        assertThrows(TimeoutException.class, () -> rt.blockOn(assertCompletesWithin(Duration.ofSeconds(5),
                Futures.failed(new TimeoutException(Duration.ofSeconds(1))))));
    }

    @Test
    void aFutureReadyAtTheDeadlineWins() {
        int now = rt.blockOn(assertCompletesWithin(Duration.ZERO, Futures.ready(7)));
        assertEquals(7, now);
        String atTheDeadline = rt.blockOn(assertCompletesWithin(Duration.ofSeconds(1),
                Sleep.sleep(clock, Duration.ofSeconds(1)).map(v -> "in time")));
        assertEquals("in time", atTheDeadline);
    }

    @Test
    void cancellingTheLimitedFutureCancelsTheInnerOneAndItsTimer() {
        Probe<String> never = new Probe<>();
        Future<String> cancelled = assertCompletesWithin(Duration.ofSeconds(5), never);
        Future<String> kept = assertCompletesWithin(Duration.ofSeconds(5), new Probe<>());
        TestWaker cancelledWaker = new TestWaker();
        TestWaker keptWaker = new TestWaker();
        rt.blockOn(Futures.pollFn(cx -> { // polled inside the runtime, so that the timers use its clock
            assertFalse(cancelled.poll(cancelledWaker.context()).isReady());
            assertFalse(kept.poll(keptWaker.context()).isReady());
            cancelled.cancel();
            return Poll.ready(null);
        }));
        assertEquals(1, never.cancels());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0, cancelledWaker.wakes(), "its timer is gone");
        assertEquals(1, keptWaker.wakes(), "the other one's timer fired");
        kept.cancel();
    }

    @Test
    void assertPendingCountsTheWakesThatFollow() {
        Oneshot.Channel<Integer> ch = Oneshot.channel();
        TestWaker waker = assertPending(ch.receiver(), 3);
        assertEquals(0, waker.wakes());
        ch.sender().send(42);
        assertEquals(1, waker.wakes());
        assertEquals(42, assertReady(ch.receiver()));
    }

    @Test
    void assertPendingFailsOnReadyAndAssertReadyOnPending() {
        AssertionError ready = assertThrows(AssertionError.class, () -> assertPending(Futures.ready(7), 2));
        assertEquals("expected poll 1 of 2 to be Pending, but it was Ready(7)", ready.getMessage());
        Probe<String> pending = new Probe<>();
        AssertionError notReady = assertThrows(AssertionError.class, () -> assertReady(pending));
        assertTrue(notReady.getMessage().startsWith("expected the future to be Ready, but it was Pending"));
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> assertReady(Futures.pollFn(cx -> {
                    throw new IllegalStateException("from the poll");
                })));
        assertEquals("from the poll", thrown.getMessage());
    }

    @Test
    void aBudgetedContextMakesABudgetedFutureYield() {
        TestWaker waker = new TestWaker();
        Context cx = waker.contextWithBudget(1);
        assertTrue(Task.consumeBudget().poll(cx).isReady());
        assertFalse(Task.consumeBudget().poll(cx).isReady(), "budget spent: it yields");
        assertEquals(1, waker.wakes(), "a yield wakes its task at once");
        assertTrue(Task.consumeBudget().poll(waker.context()).isReady());
    }

    @Test
    void argumentsAreCheckedWithTheirNameAndRange() {
        assertEquals("polls : 0 (expected: >= 1)", assertThrows(IllegalArgumentException.class,
                () -> assertPending(Futures.pending(), 0)).getMessage());
        assertEquals("limit : PT-1S (expected: >= 0)", assertThrows(IllegalArgumentException.class,
                () -> assertCompletesWithin(Duration.ofSeconds(-1), Futures.pending())).getMessage());
        assertEquals("units : -1 (expected: >= 0)", assertThrows(IllegalArgumentException.class,
                () -> new TestWaker().contextWithBudget(-1)).getMessage());
        assertEquals("future", assertThrows(NullPointerException.class, () -> assertReady(null)).getMessage());
        assertEquals("limit", assertThrows(NullPointerException.class,
                () -> assertCompletesWithin(null, Futures.pending())).getMessage());
    }
}
