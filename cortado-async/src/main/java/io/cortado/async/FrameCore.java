package io.cortado.async;

import io.cortado.Context;
import io.cortado.Future;

import java.util.concurrent.CompletionException;

/**
 * What the two kinds of frame share: the fields the generated body reads and writes, running the body once, and
 * cancelling a suspended body (see {@link AsyncFrame}'s protocol). Package-private: generated code reaches the public
 * fields through its own frame class.
 */
abstract class FrameCore {
    /** Where the body resumes: 0 before the first poll, {@code k} after suspending at its k-th resume point. */
    public int label;
    /** The future the body awaits while suspended. */
    public Future<?> awaiting;
    /** The checked failure type of an {@code await(future, type)} the body is suspended in, else {@code null}. */
    public Class<?> awaitingFailure;
    /** The value the body completed with, or the item it yielded. */
    public Object result;
    /** Completed, failed or cancelled: the body is never resumed again. */
    boolean finished;

    FrameCore() {
    }

    /** @param cx the polling task's context, or {@code null} while cancelling @return see AsyncFrame's protocol */
    protected abstract Object resume(Context cx);

    /** Runs the body to its next suspension; a failure finishes the frame (rule 4) and is thrown, unchecked. */
    final Object step(Context cx) {
        try {
            return resume(cx);
        } catch (Throwable e) {
            throw failed(e);
        }
    }

    /** The body threw {@code e}: the frame is finished (rule 4). @return the failure to throw, unchecked */
    final RuntimeException failed(Throwable e) {
        finished = true;
        awaiting = null;
        awaitingFailure = null;
        result = null;
        return unchecked(e);
    }

    /**
     * Cancels a frame that has no tail yet (rule 3): cancels the awaited future, then resumes the body with a
     * {@code null} context so its finally blocks run. Never throws.
     *
     * @return what the body returned while cancelling (a future or stream the caller cancels), or {@code null}
     */
    final Object cancelBody() {
        if (finished) {
            return null;
        }
        finished = true;
        if (label == 0) {
            return null; // never started: no finally block was entered
        }
        Future<?> a = awaiting;
        awaiting = null;
        if (a != null) {
            a.cancel();
        }
        try {
            return resume(null);
        } catch (Throwable e) {
            return null; // the usual end is a CancellationException; cancel() has no one to report anything to
        } finally {
            result = null;
        }
    }

    /**
     * @return the failure as a future's poll throws it: unchecked as it is, a checked exception (which an async
     * method may throw: its body is not checked by the JVM) wrapped in a {@link CompletionException}, as the
     * {@link io.cortado.Future} contract asks and as {@link Async#fn} does when not compiled; an
     * {@code await(future, type)} unwraps it again
     */
    static RuntimeException unchecked(Throwable e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new CompletionException(e);
    }
}
