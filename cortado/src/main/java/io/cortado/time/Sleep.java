package io.cortado.time;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.internal.time.TimeDriver;
import io.cortado.internal.time.TimerEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A future that completes once its runtime's {@link Clock} reaches a deadline. Lazy, like every future: nothing is
 * registered until the first poll, and a deadline that has already passed completes that poll at once.
 *
 * <p>A sleep belongs to the runtime whose clock it was made with ({@link #sleep(Duration)} takes the current one).
 * It may be {@linkplain #reset(Instant) reset} to a new deadline, which reuses the same timer entry: a loop that
 * keeps pushing a deadline back allocates nothing.
 *
 * <p>Timers have a resolution of one millisecond and never fire early: a sleep of 1.2 ms completes at the first
 * millisecond tick at or after its deadline.
 *
 * <p><b>Cancel safety.</b> {@link #cancel()} removes the timer from the wheel (O(1)); nothing else is lost. A
 * cancelled sleep may be polled again: it registers anew.
 *
 * <p><b>When its runtime closes</b>, a pending sleep is woken, and its next poll (as every poll of a sleep of that
 * clock not yet complete) throws {@link IllegalStateException} naming the runtime: a sleep never hangs, whoever
 * polls it. The same holds for {@link Timeout} and {@link Interval}, which are built on it.
 */
public final class Sleep implements Future<Void> {
    private final TimeDriver driver;
    private final Entry entry = new Entry();
    private long deadlineNanos;
    private boolean registered;

    private Sleep(Clock clock, long deadlineNanos) {
        this.driver = (TimeDriver) Objects.requireNonNull(clock, "clock");
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * A sleep of {@code duration} from now on the current runtime's clock; zero or negative completes at once.
     *
     * @param duration how long
     * @return the sleep
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static Sleep sleep(Duration duration) {
        return sleep(Clock.current(), duration);
    }

    /**
     * A sleep of {@code duration} from now on {@code clock}; zero or negative completes at once.
     *
     * @param clock    the runtime's clock ({@code handle.clock()})
     * @param duration how long
     * @return the sleep
     */
    public static Sleep sleep(Clock clock, Duration duration) {
        Objects.requireNonNull(duration, "duration");
        TimeDriver d = (TimeDriver) Objects.requireNonNull(clock, "clock");
        long now = d.nanos();
        long by = duration.isNegative() ? 0 : saturated(duration);
        return new Sleep(d, by > Long.MAX_VALUE / 2 - now ? Long.MAX_VALUE / 2 : now + by);
    }

    /**
     * A sleep until {@code deadline} on the current runtime's clock; a deadline in the past completes at once.
     *
     * @param deadline when, an instant of {@link Clock#now()}'s scale
     * @return the sleep
     * @throws IllegalStateException if no runtime runs this thread
     */
    public static Sleep until(Instant deadline) {
        return until(Clock.current(), deadline);
    }

    /**
     * A sleep until {@code deadline} on {@code clock}; a deadline in the past completes at once.
     *
     * @param clock    the runtime's clock
     * @param deadline when
     * @return the sleep
     */
    public static Sleep until(Clock clock, Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        TimeDriver d = (TimeDriver) Objects.requireNonNull(clock, "clock");
        return new Sleep(d, d.nanosOf(deadline));
    }

    private static long saturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** @return the deadline */
    public Instant deadline() {
        return driver.instantOf(deadlineNanos);
    }

    /** @return whether the deadline has passed (the sleep completes at its next poll) */
    public boolean isElapsed() {
        // a fired entry counts only while registered: a completed sleep reset to a later deadline has not elapsed
        return (registered && entry.isFired()) || driver.nanos() >= deadlineNanos;
    }

    /**
     * Moves the deadline, whether or not the sleep has completed; the next poll waits for the new one. The timer
     * entry is reused (no allocation).
     *
     * @param deadline the new deadline; one in the past completes the next poll at once
     */
    public void reset(Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        deadlineNanos = driver.nanosOf(deadline);
        if (registered) {
            if (deadlineNanos <= driver.nanos()) {
                driver.cancel(entry); // due already: the next poll completes without the wheel
                registered = false;
            } else if (!driver.register(entry, deadlineNanos)) {
                registered = false;
            }
        }
    }

    @Override
    public Poll<Void> poll(Context cx) {
        if (registered) {
            if (entry.isFired()) {
                registered = false;
                return Poll.ready(null);
            }
            Waker w = cx.waker();
            Waker current = entry.waker;
            if (current == null || !current.willWake(w)) {
                entry.waker = w;
            }
            if (entry.isFired()) { // the firing read the old waker (Dekker with Entry.fire)
                registered = false;
                return Poll.ready(null);
            }
            if (driver.isClosed()) { // after publishing the waker: the close woke it or is seen (TimeDriver rule 6)
                registered = false;
                driver.checkOpen();
            }
            cx.waitingOn(this);
            return Poll.pending();
        }
        driver.checkOpen();
        if (driver.nanos() >= deadlineNanos) {
            return Poll.ready(null);
        }
        entry.waker = cx.waker();
        if (!driver.register(entry, deadlineNanos)) {
            return Poll.ready(null);
        }
        registered = true;
        if (entry.isFired()) {
            registered = false;
            return Poll.ready(null);
        }
        cx.waitingOn(this);
        return Poll.pending();
    }

    /** Removes the timer; see the class comment. */
    @Override
    public void cancel() {
        if (registered) {
            driver.cancel(entry);
            registered = false;
        }
        entry.waker = null;
    }

    @Override
    public String toString() {
        return "Sleep[deadline=" + deadline() + (registered ? ", registered" : "") + "]";
    }

    private static final class Entry extends TimerEntry {
        volatile Waker waker;

        @Override
        protected void fire() {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }
    }
}
