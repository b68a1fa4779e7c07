package io.cortado.time;

import io.cortado.Handle;
import io.cortado.internal.time.TimeDriver;

import java.time.Duration;
import java.time.Instant;

/**
 * A runtime's clock: the time its timers ({@link Sleep}, {@link Timeout}, {@link Interval}) are measured against.
 * By default it follows the system's monotonic clock ({@link System#nanoTime()}), mapped onto {@link Instant}s
 * from the moment the runtime started, so deadlines are plain instants and never move when the wall clock is set.
 *
 * <p>For tests it can be <b>paused</b> ({@code AsyncRuntime.builder().startPaused(true)} or {@link #pause()}): time
 * then stands still except when {@link #advance(Duration) advanced}, and whenever the runtime has nothing to do
 * (every task waiting, no blocking work in flight) it jumps straight to the next timer's deadline. An hour of
 * timeouts then runs in milliseconds, in the same order every time.
 *
 * <p>Every runtime has exactly one clock; {@link Handle#clock()} or {@link #current()} gives it.
 */
public sealed interface Clock permits TimeDriver {

    /**
     * @return the clock of the runtime running the calling thread
     * @throws IllegalStateException if no runtime runs this thread
     */
    static Clock current() {
        return Handle.current().clock();
    }

    /** @return the current time of this clock */
    Instant now();

    /** @return whether time stands still (see the class comment) */
    boolean isPaused();

    /** Stops time (idempotent); timers then fire only when time is advanced, by hand or automatically. */
    void pause();

    /** Lets time run again from where it stands (idempotent). */
    void resume();

    /**
     * Moves a paused clock forward and fires every timer whose deadline it passes (their tasks run afterwards).
     *
     * @param duration how far; zero fires what is due now
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException    if the clock is not paused
     */
    void advance(Duration duration);
}
