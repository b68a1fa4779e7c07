package io.cortado.trace;

/**
 * Receives events and span transitions: the consuming end of tracing, decoupled from the code that produces them
 * (the seed's event distribution layer). Install one with {@link Tracing#install}. Methods are called on the thread
 * that produced the event or entered the span, often a runtime worker: they must be quick and must not block (hand
 * slow work, such as I/O, to a queue), and must not throw.
 */
public interface Subscriber {

    /**
     * @return the most verbose level this subscriber wants; nothing more verbose is produced at all while it is the
     * only one installed (the check callers pay is one comparison)
     */
    default Level maxLevel() {
        return Level.TRACE;
    }

    /**
     * @return whether events and spans of {@code target} at {@code level} are wanted (after {@link #maxLevel()})
     */
    default boolean enabled(Level level, String target) {
        return true;
    }

    /** An enabled event happened. */
    void event(Event event);

    /** A span was created (not yet entered). */
    default void spanCreated(Span span) {
    }

    /** A span was entered on this thread (for an instrumented future: at the start of each poll). */
    default void spanEntered(Span span) {
    }

    /** A span was exited on this thread (for an instrumented future: at the end of each poll). */
    default void spanExited(Span span) {
    }

    /** A field was added to a span after its creation ({@link Span#record}). */
    default void spanRecorded(Span span, Field field) {
    }

    /**
     * A span ended: its future completed, failed ({@link Span#failure()}) or was cancelled
     * ({@link Span#wasCancelled()}), or {@link Span#close()} was called.
     */
    default void spanClosed(Span span) {
    }

    /**
     * Combines several subscribers into one, to install them together (for example a {@link ConsoleSubscriber}
     * and a {@link JfrSubscriber}). Its {@link #maxLevel()} is the most verbose of theirs (read once, here); each
     * event and span transition reaches exactly the children that want it: those whose own {@code maxLevel} admits
     * its level and whose {@link #enabled} accepts it. Children are called in the order given.
     *
     * @param subscribers at least one
     * @return the combination ({@code subscribers[0]} itself when there is only one)
     */
    static Subscriber fanOut(Subscriber... subscribers) {
        return FanOut.of(subscribers);
    }
}
