package io.cortado.time;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.Checks;
import io.cortado.internal.time.TimeDriver;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Ticks every {@code period}: {@link #tick()} is a future of the next tick's scheduled instant. The first tick
 * completes at once (at the start instant), as Tokio's {@code interval}. When ticks were missed, the
 * {@link MissedTickBehavior} decides what comes next (default {@link MissedTickBehavior#BURST}).
 *
 * <p>One timer entry serves every tick: ticking allocates only the small future {@code tick()} returns.
 * (A {@code Stream} view arrives with streams.)
 *
 * <p><b>Cancel safety.</b> Cancelling a {@code tick()} future loses no tick: the next {@code tick()} returns the
 * same tick.
 *
 * <p>When the clock's runtime closes, a pending tick fails with {@link IllegalStateException} (see {@link Sleep}).
 */
public final class Interval {
    private final TimeDriver driver;
    private final long period;
    private final Sleep sleep;
    private long nextTick;
    private MissedTickBehavior behavior = MissedTickBehavior.BURST;

    private Interval(TimeDriver driver, long start, long period) {
        this.driver = driver;
        this.period = period;
        this.nextTick = start;
        this.sleep = Sleep.until(driver, driver.instantOf(start));
    }

    /**
     * Ticks every {@code period} from now, on the current runtime's clock.
     *
     * @param period the time between ticks, {@code > 0}
     * @return the interval
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws IllegalStateException    if no runtime runs this thread
     */
    public static Interval every(Duration period) {
        Checks.checkPositive(period, "period");
        return every(Clock.current(), period);
    }

    /**
     * Ticks every {@code period} from now on {@code clock}.
     *
     * @param clock  the runtime's clock
     * @param period the time between ticks, {@code > 0}
     * @return the interval
     */
    public static Interval every(Clock clock, Duration period) {
        TimeDriver d = (TimeDriver) Objects.requireNonNull(clock, "clock");
        return new Interval(d, d.nanos(), Checks.saturatedNanos(Checks.checkPositive(period, "period")));
    }

    /**
     * Ticks every {@code period} starting at {@code start} (the first tick completes then), on {@code clock}.
     *
     * @param clock  the runtime's clock
     * @param start  the first tick
     * @param period the time between ticks, {@code > 0}
     * @return the interval
     */
    public static Interval startingAt(Clock clock, Instant start, Duration period) {
        TimeDriver d = (TimeDriver) Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(start, "start");
        return new Interval(d, d.nanosOf(start), Checks.saturatedNanos(Checks.checkPositive(period, "period")));
    }

    /** @param behavior what to do after missed ticks */
    public void setMissedTickBehavior(MissedTickBehavior behavior) {
        this.behavior = Objects.requireNonNull(behavior, "behavior");
    }

    /** @return the behaviour after missed ticks */
    public MissedTickBehavior missedTickBehavior() {
        return behavior;
    }

    /** @return the period */
    public Duration period() {
        return Duration.ofNanos(period);
    }

    /** Restarts the schedule: the next tick is one period from now. */
    public void reset() {
        nextTick = driver.nanos() + period;
        sleep.reset(driver.instantOf(nextTick));
    }

    /**
     * The next tick. Only one tick future may be in use at a time (the interval is a single timer).
     *
     * @return a future of the tick's scheduled instant
     */
    public Future<Instant> tick() {
        return new Future<>() {
            @Override
            public Poll<Instant> poll(Context cx) {
                return pollTick(cx);
            }

            @Override
            public void cancel() {
                sleep.cancel();
            }
        };
    }

    /** Polls for the next tick; on a tick, schedules the one after it (Tokio's {@code poll_tick}). */
    public Poll<Instant> pollTick(Context cx) {
        if (!sleep.poll(cx).isReady()) {
            return Poll.pending();
        }
        long tick = nextTick;
        long now = driver.nanos();
        long next = now - tick > MissedTickBehavior.MISSED_AFTER.toNanos()
                ? behavior.next(tick, now, period)
                : tick + period;
        nextTick = next;
        sleep.reset(driver.instantOf(next));
        return Poll.ready(driver.instantOf(tick));
    }
}
