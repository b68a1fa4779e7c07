package io.cortado.async;

import io.cortado.Context;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame protocol with hand-written bodies (what the compiler generates, without the compiler). */
class AsyncFrameTest {
    /** Suspends once, then throws {@code failure}. */
    static final class FailsAfterSuspending extends AsyncFrame<Integer> {
        final RuntimeException failure;
        int runs;
        int cancelRuns;

        FailsAfterSuspending(RuntimeException failure) {
            this.failure = failure;
        }

        @Override
        protected Object resume(Context cx) {
            runs++;
            if (cx == null) {
                cancelRuns++;
                throw cancelled();
            }
            if (label == 0) {
                label = 1;
                awaiting = Futures.pending();
                cx.waker().wake();
                return SUSPEND;
            }
            throw failure;
        }
    }

    @Test
    void aFailedFrameIsCompleted() {
        Context cx = new TestWaker().context();
        FailsAfterSuspending f = new FailsAfterSuspending(new IllegalStateException("failed"));
        assertEquals(Poll.pending(), f.poll(cx));
        assertEquals("failed", assertThrows(IllegalStateException.class, () -> f.poll(cx)).getMessage());
        IllegalStateException again = assertThrows(IllegalStateException.class, () -> f.poll(cx));
        assertTrue(again.getMessage().contains("polled after it completed"), again.getMessage());
        assertEquals(2, f.runs, "the body did not run again");
        assertNull(f.awaiting);
        f.cancel();
        assertEquals(0, f.cancelRuns, "cancel after a failure is a no-op: no finally block runs twice");
    }

    /** Yields one item, suspends, then throws. */
    static final class GeneratorFailing extends AsyncStreamFrame<Integer> {
        int runs;

        @Override
        protected Object resume(Context cx) {
            runs++;
            if (cx == null) {
                throw AsyncFrame.cancelled();
            }
            switch (label) {
                case 0 -> {
                    label = 1;
                    result = 7;
                    return YIELD;
                }
                case 1 -> {
                    label = 2;
                    awaiting = Futures.pending();
                    return AsyncFrame.SUSPEND;
                }
                default -> throw new IllegalStateException("generator failed");
            }
        }
    }

    @Test
    void aFailedGeneratorHasEnded() {
        Context cx = new TestWaker().context();
        GeneratorFailing g = new GeneratorFailing();
        assertEquals(7, g.pollNext(cx).value());
        assertEquals(Poll.pending(), g.pollNext(cx));
        assertThrows(IllegalStateException.class, () -> g.pollNext(cx));
        assertNull(g.pollNext(cx).value(), "a failure ended the stream");
        assertEquals(3, g.runs);
        g.cancel();
        assertEquals(3, g.runs, "cancel after the end is a no-op");
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e; // what a compiled body does with a checked exception: the JVM does not check it
    }

    /** Throws a checked exception where an async method would ({@code throw new IOException()} in its body). */
    static final class ThrowsChecked extends AsyncFrame<Integer> {
        @Override
        protected Object resume(Context cx) {
            if (cx == null) {
                throw sneaky(new java.io.IOException("in finally while cancelling"));
            }
            if (label == 0) {
                label = 1;
                return SUSPEND;
            }
            throw sneaky(new java.io.IOException("disk"));
        }
    }

    @Test
    void aCheckedExceptionFailsTheFutureWrappedAsFuturesDo() {
        Context cx = new TestWaker().context();
        ThrowsChecked f = new ThrowsChecked();
        f.poll(cx);
        java.util.concurrent.CompletionException e = assertThrows(java.util.concurrent.CompletionException.class,
                () -> f.poll(cx));
        assertEquals("disk", e.getCause().getMessage());
        assertTrue(e.getCause() instanceof java.io.IOException);

        ThrowsChecked c = new ThrowsChecked();
        c.poll(cx);
        c.cancel(); // must not throw, not even a checked exception
    }
}
