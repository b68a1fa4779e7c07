package io.cortado.trace;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.LocalBinding;

import java.util.Objects;

/**
 * The event distribution layer: producers ({@link Tracer}s, and the runtime itself under the target
 * {@code "cortado.runtime"}) hand events and span transitions to the installed {@link Subscriber}; with none
 * installed they produce nothing.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Off costs a comparison.</b> {@link #minLevel} holds the ordinal of the most verbose level the installed
 *       subscriber wants ({@code Integer.MAX_VALUE} with none). Every producer first compares its level with it — a
 *       load and a branch, no allocation (measured: {@code TracingBenchmark}) — and only then asks the subscriber's
 *       {@link Subscriber#enabled} and builds the event.</li>
 *   <li><b>Install</b> swaps the subscriber and then publishes its level (both volatile); a producer that read the
 *       old level sends to whichever subscriber it then reads, so during the swap an event reaches the old or the
 *       new subscriber, never neither nor a half-installed one.</li>
 *   <li><b>Context</b> is the task-local span chain (see {@link Span}); {@link #instrument} links a span in front
 *       of it around each poll.</li>
 * </ol>
 */
public final class Tracing {
    private static final Subscriber NONE = event -> {
    };
    private static volatile Subscriber subscriber = NONE;
    /** Rule 1. */
    static volatile int minLevel = Integer.MAX_VALUE;

    private Tracing() {
    }

    /**
     * Installs {@code s} as the process's subscriber, replacing the current one until the returned handle is closed
     * (which puts the previous one back: for tests and scoped diagnostics).
     *
     * @return closing it restores the previous subscriber
     */
    public static AutoCloseable install(Subscriber s) {
        Objects.requireNonNull(s, "subscriber");
        Subscriber previous;
        synchronized (Tracing.class) {
            previous = subscriber;
            set(s);
        }
        return () -> {
            synchronized (Tracing.class) {
                if (subscriber == s) {
                    set(previous);
                }
            }
        };
    }

    private static void set(Subscriber s) {
        subscriber = s;
        minLevel = s == NONE ? Integer.MAX_VALUE : s.maxLevel().ordinal();
    }

    /** @return the installed subscriber, or a no-op one */
    public static Subscriber subscriber() {
        return subscriber;
    }

    /**
     * @param target the name of the producing component (a class or subsystem name)
     * @return a tracer for it; keep it in a {@code static final} field
     */
    public static Tracer tracer(String target) {
        return new Tracer(Objects.requireNonNull(target, "target"));
    }

    /** @return whether anything at {@code level} can be on (rule 1's comparison) */
    public static boolean isOn(Level level) {
        return level.ordinal() >= minLevel;
    }

    /**
     * Enters {@code span} around every poll of {@code future} (on whatever thread polls it) and closes the span
     * when the future completes, fails or is cancelled; events inside carry the span. See
     * {@link Future#instrument}.
     *
     * <p><b>Cancel safety:</b> as {@code future}'s.
     *
     * @return the instrumented future ({@code future} itself for {@link Span#NONE})
     */
    public static <T> Future<T> instrument(Future<T> future, Span span) {
        Objects.requireNonNull(future, "future");
        Objects.requireNonNull(span, "span");
        if (!span.isEnabled()) {
            return future;
        }
        return new Instrumented<>(future, span);
    }

    static void entered(Span s) {
        subscriber.spanEntered(s);
    }

    static void exited(Span s) {
        subscriber.spanExited(s);
    }

    static void closed(Span s) {
        subscriber.spanClosed(s);
    }

    static void recorded(Span s, Field f) {
        subscriber.spanRecorded(s, f);
    }

    static void created(Span s) {
        subscriber.spanCreated(s);
    }

    static void emit(Event e) {
        subscriber.event(e);
    }

    /** Rule 3: one binding node per instrumented future, linked in around each poll (LocalBinding rule 2). */
    private static final class Instrumented<T> implements Future<T> {
        private final Future<T> inner;
        private final Span span;
        private final LocalBinding node;

        Instrumented(Future<T> inner, Span span) {
            this.inner = inner;
            this.span = span;
            this.node = new LocalBinding(Span.CURRENT_KEY, span);
        }

        @Override
        public Poll<T> poll(Context cx) {
            LocalBinding saved = LocalBinding.link(node);
            subscriber.spanEntered(span);
            Throwable failed = null;
            boolean done = false;
            try {
                Poll<T> p = inner.poll(cx);
                done = p.isReady();
                return p;
            } catch (RuntimeException | Error e) {
                failed = e;
                throw e;
            } finally {
                subscriber.spanExited(span);
                LocalBinding.unlink(node, saved);
                if (failed != null) {
                    span.closeFailed(failed);
                } else if (done) {
                    span.close();
                }
            }
        }

        @Override
        public void cancel() {
            LocalBinding saved = LocalBinding.link(node);
            try {
                inner.cancel();
            } finally {
                LocalBinding.unlink(node, saved);
                span.closeCancelled();
            }
        }
    }
}
