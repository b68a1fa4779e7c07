package io.cortado.time;

import java.time.Duration;

/**
 * What an {@link Interval} does when ticks were missed (the task was busy past one or more tick times): Tokio's
 * three behaviours. A tick counts as missed when it is taken more than 5 ms after its scheduled time.
 */
public enum MissedTickBehavior {
    /** Fire the missed ticks back to back until caught up, then keep the original schedule (the default). */
    BURST,
    /** Fire once now, then restart the schedule from now: ticks are {@code period} apart from here on. */
    DELAY,
    /** Fire once now, then skip to the next tick of the original schedule. */
    SKIP;

    /** @return the next tick's time (driver nanoseconds) after a missed tick scheduled at {@code tick} */
    long next(long tick, long now, long period) {
        return switch (this) {
            case BURST -> tick + period;
            case DELAY -> now + period;
            case SKIP -> now + period - Math.floorMod(now - tick, period);
        };
    }

    static final Duration MISSED_AFTER = Duration.ofMillis(5);
}
