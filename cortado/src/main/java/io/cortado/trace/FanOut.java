package io.cortado.trace;

import java.util.Arrays;
import java.util.Objects;

/**
 * {@link Subscriber#fanOut}: several subscribers as one.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>{@link #maxLevel()} is the minimum (most verbose) of the children's, each read once at construction, as
 *       {@link Tracing#install} reads a single subscriber's.</li>
 *   <li>A child receives an event or span transition only if the level is at least its own {@code maxLevel} and
 *       its {@code enabled(level, target)} is true; for span transitions the span's level and target are used,
 *       so a child sees all four transitions of the spans it wants and none of the others.</li>
 *   <li>{@link #enabled} is true if any child would receive (rule 2), so producers still skip work nobody
 *       wants.</li>
 * </ol>
 * Guarded by {@code FanOutTest}.
 */
final class FanOut implements Subscriber {
    private final Subscriber[] children;
    /** Rule 1: the children's maxLevel ordinals. */
    private final int[] min;
    private final Level maxLevel;

    private FanOut(Subscriber[] children) {
        this.children = children;
        this.min = new int[children.length];
        int most = Integer.MAX_VALUE;
        for (int i = 0; i < children.length; i++) {
            min[i] = children[i].maxLevel().ordinal();
            most = Math.min(most, min[i]);
        }
        this.maxLevel = Level.values()[most];
    }

    static Subscriber of(Subscriber... subscribers) {
        Objects.requireNonNull(subscribers, "subscribers");
        if (subscribers.length == 0) {
            throw new IllegalArgumentException("subscribers : 0 (expected: at least one)");
        }
        Subscriber[] copy = Arrays.copyOf(subscribers, subscribers.length);
        for (int i = 0; i < copy.length; i++) {
            Objects.requireNonNull(copy[i], "subscribers[" + i + "]");
        }
        return copy.length == 1 ? copy[0] : new FanOut(copy);
    }

    /** Rule 2. */
    private boolean wants(int i, Level level, String target) {
        return level.ordinal() >= min[i] && children[i].enabled(level, target);
    }

    @Override
    public Level maxLevel() {
        return maxLevel;
    }

    /** Rule 3. */
    @Override
    public boolean enabled(Level level, String target) {
        for (int i = 0; i < children.length; i++) {
            if (wants(i, level, target)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void event(Event event) {
        for (int i = 0; i < children.length; i++) {
            if (wants(i, event.level(), event.target())) {
                children[i].event(event);
            }
        }
    }

    @Override
    public void spanCreated(Span span) {
        for (int i = 0; i < children.length; i++) {
            if (wants(i, span.level(), span.target())) {
                children[i].spanCreated(span);
            }
        }
    }

    @Override
    public void spanEntered(Span span) {
        for (int i = 0; i < children.length; i++) {
            if (wants(i, span.level(), span.target())) {
                children[i].spanEntered(span);
            }
        }
    }

    @Override
    public void spanExited(Span span) {
        for (int i = 0; i < children.length; i++) {
            if (wants(i, span.level(), span.target())) {
                children[i].spanExited(span);
            }
        }
    }

    @Override
    public void spanClosed(Span span) {
        for (int i = 0; i < children.length; i++) {
            if (wants(i, span.level(), span.target())) {
                children[i].spanClosed(span);
            }
        }
    }

    @Override
    public String toString() {
        return "Subscriber.fanOut" + Arrays.toString(children);
    }
}
