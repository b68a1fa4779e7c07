package io.cortado.test;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.time.Sleep;

import java.time.Duration;
import java.util.Objects;

/**
 * Assertions for async code: a time limit measured on the runtime's clock, and hand-polling that checks a
 * future's answer to a single poll.
 *
 * <pre>{@code
 * @CortadoTest(startPaused = true)
 * Future<Void> answersInTime() {
 *     // on a paused clock the limit costs no real time: the clock jumps to whichever deadline comes first
 *     return AsyncAssertions.assertCompletesWithin(Duration.ofSeconds(5), service.call())
 *             .map(answer -> {
 *                 assertEquals("answer", answer); // the engine ignores the value a test's future completes with
 *                 return null;
 *             });
 * }
 *
 * @Test
 * void pendingUntilSent() {
 *     Oneshot.Channel<Integer> ch = Oneshot.channel();
 *     TestWaker waker = AsyncAssertions.assertPending(ch.receiver(), 2);
 *     ch.sender().send(7);
 *     assertTrue(waker.wakes() > 0);
 *     assertEquals(7, AsyncAssertions.assertReady(ch.receiver()));
 * }
 * }</pre>
 */
public final class AsyncAssertions {
    private AsyncAssertions() {
    }

    /**
     * Returns a future that completes as {@code future} does, or fails with an {@link AssertionError} ("did not
     * complete within 5s of runtime time") if the runtime's clock passes {@code limit} first. The limit starts at
     * the first poll and is measured on the clock of the runtime that polls it, so on a paused clock it costs no
     * real time. {@code future} is polled before the timer, so a future that is ready in the same poll as the
     * deadline passes; when the limit is exceeded, {@code future} is cancelled.
     *
     * <p><b>Cancel safety:</b> cancelling the returned future cancels {@code future} (whatever that loses, see its
     * own documentation) and removes the timer.
     *
     * @param limit  the most runtime time the future may take, at least zero
     * @param future the future under test
     * @param <T>    its value type
     * @return the limited future
     * @throws IllegalArgumentException if {@code limit} is negative
     */
    public static <T> Future<T> assertCompletesWithin(Duration limit, Future<T> future) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(future, "future");
        if (limit.isNegative()) {
            throw new IllegalArgumentException("limit : " + limit + " (expected: >= 0)");
        }
        return new CompletesWithin<>(limit, future);
    }

    /**
     * Polls {@code future} {@code polls} times with one {@link TestWaker} and asserts that each poll returns
     * {@code Pending}.
     *
     * @param future the future under test, not yet complete
     * @param polls  how many times to poll it, at least 1
     * @return the waker of the polls, to count the wakes that follow
     * @throws AssertionError           if a poll returns {@code Ready}; what a poll throws propagates
     * @throws IllegalArgumentException if {@code polls} is below 1
     */
    public static TestWaker assertPending(Future<?> future, int polls) {
        Objects.requireNonNull(future, "future");
        if (polls < 1) {
            throw new IllegalArgumentException("polls : " + polls + " (expected: >= 1)");
        }
        TestWaker waker = new TestWaker();
        Context cx = waker.context();
        for (int i = 1; i <= polls; i++) {
            Poll<?> p = future.poll(cx);
            if (p.isReady()) {
                throw new AssertionError("expected poll " + i + " of " + polls + " to be Pending, but it was Ready("
                        + p.value() + ")");
            }
        }
        return waker;
    }

    /**
     * Polls {@code future} once with a fresh {@link TestWaker} and asserts that it is ready.
     *
     * @param future the future under test
     * @param <T>    its value type
     * @return its value
     * @throws AssertionError if the poll returns {@code Pending}; what the poll throws propagates
     */
    public static <T> T assertReady(Future<T> future) {
        Objects.requireNonNull(future, "future");
        Poll<T> p = future.poll(new TestWaker().context());
        if (!p.isReady()) {
            throw new AssertionError("expected the future to be Ready, but it was Pending: " + future);
        }
        return p.value();
    }

    /** "5s", "250ms", or the ISO form for anything finer. */
    static String format(Duration d) {
        if (d.toNanosPart() == 0) {
            return d.toSeconds() + "s";
        }
        return d.toNanosPart() % 1_000_000 == 0 ? d.toMillis() + "ms" : d.toString();
    }

    /**
     * The limited future: the inner future first, then a {@link Sleep} made at the first poll on the polling
     * runtime's clock. Not {@code Future.timeout}, whose {@code TimeoutException} could not be told apart from one
     * the inner future throws.
     */
    private static final class CompletesWithin<T> implements Future<T> {
        private final Duration limit;
        private final Future<T> inner;
        private Sleep timer;
        private boolean done;

        CompletesWithin(Duration limit, Future<T> inner) {
            this.limit = limit;
            this.inner = inner;
        }

        @Override
        public Poll<T> poll(Context cx) {
            if (timer == null) {
                timer = Sleep.sleep(limit);
            }
            Poll<T> p;
            try {
                p = inner.poll(cx);
            } catch (RuntimeException | Error e) {
                finish();
                throw e;
            }
            if (p.isReady()) {
                finish();
                return p;
            }
            if (timer.poll(cx).isReady()) {
                done = true;
                inner.cancel();
                throw new AssertionError("did not complete within " + format(limit) + " of runtime time");
            }
            return p;
        }

        private void finish() {
            done = true;
            timer.cancel();
        }

        @Override
        public void cancel() {
            if (!done) {
                done = true;
                inner.cancel();
                if (timer != null) {
                    timer.cancel();
                }
            }
        }
    }
}
