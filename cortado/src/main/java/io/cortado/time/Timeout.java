package io.cortado.time;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.time.Duration;
import java.util.Objects;

/**
 * A future with a time limit: completes with the inner future's outcome if it comes first; otherwise cancels the
 * inner future and fails with a {@link TimeoutException}. The inner future is polled before the timer, so a future
 * that is ready in the same poll as the deadline wins.
 *
 * <p><b>Cancel safety.</b> Cancelling a timeout cancels the inner future (whatever that loses, see its own
 * documentation) and removes the timer.
 *
 * @param <T> the output type
 *
 * <p>When the clock's runtime closes, a pending timeout fails with {@link IllegalStateException} (see {@link Sleep}).
 */
public final class Timeout<T> implements Future<T> {
    private final Future<T> inner;
    private final Sleep sleep;
    private final Duration limit;
    private boolean done;

    private Timeout(Future<T> inner, Sleep sleep, Duration limit) {
        this.inner = inner;
        this.sleep = sleep;
        this.limit = limit;
    }

    /**
     * Limits {@code future} to {@code limit} from now on the current runtime's clock.
     *
     * @param limit  the time limit; zero or negative times out at the first poll unless the future is ready then
     * @param future the future
     * @param <T>    the output type
     * @return the limited future
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static <T> Timeout<T> timeout(Duration limit, Future<T> future) {
        return timeout(Clock.current(), limit, future);
    }

    /**
     * Limits {@code future} to {@code limit} from now on {@code clock}.
     *
     * @param clock  the runtime's clock
     * @param limit  the time limit
     * @param future the future
     * @param <T>    the output type
     * @return the limited future
     */
    public static <T> Timeout<T> timeout(Clock clock, Duration limit, Future<T> future) {
        Objects.requireNonNull(future, "future");
        return new Timeout<>(future, Sleep.sleep(clock, limit), limit);
    }

    @Override
    public Poll<T> poll(Context cx) {
        if (done) {
            throw new IllegalStateException("Timeout polled after it completed");
        }
        Poll<T> p;
        try {
            p = inner.poll(cx);
        } catch (Throwable t) {
            done = true;
            sleep.cancel();
            throw t;
        }
        if (p.isReady()) {
            done = true;
            sleep.cancel();
            return p;
        }
        if (sleep.poll(cx).isReady()) {
            done = true;
            inner.cancel();
            throw new TimeoutException(limit);
        }
        return Poll.pending();
    }

    @Override
    public void cancel() {
        if (!done) {
            done = true;
            inner.cancel();
            sleep.cancel();
        }
    }
}
