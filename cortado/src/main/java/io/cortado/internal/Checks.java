package io.cortado.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks for the API edge, with one message format: {@code "name : value (expected: range)"}.
 * Nulls fail with a {@link NullPointerException} naming the parameter.
 */
public final class Checks {
    private Checks() {
    }

    /** @return {@code value} if it is {@code > 0} @throws IllegalArgumentException otherwise */
    public static int checkPositive(int value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: > 0)");
        }
        return value;
    }

    /** @return {@code value} if it lies in {@code [min, max]} @throws IllegalArgumentException otherwise */
    public static int checkInRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: " + min + " to " + max + ")");
        }
        return value;
    }

    /** @return {@code value} if it is not null and not negative @throws IllegalArgumentException if negative */
    public static Duration checkNotNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: >= 0)");
        }
        return value;
    }

    /** @return {@code value} if it is not null and {@code > 0} @throws IllegalArgumentException otherwise */
    public static Duration checkPositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " : " + value + " (expected: > 0)");
        }
        return value;
    }

    /** @return the duration in nanoseconds, saturated to {@link Long#MAX_VALUE} */
    public static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }
}
