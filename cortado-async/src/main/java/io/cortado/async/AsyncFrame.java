package io.cortado.async;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/**
 * The base class of the frames that {@code cortado-async-compiler} generates: one object per call of an async
 * method, holding the method's locals and operand stack across suspensions. <b>For generated code</b>: users never
 * extend or call it.
 *
 * <h2>Protocol between a frame and its body</h2>
 * <ol>
 *   <li>The body is a static method {@code m(AsyncFrame f, Context cx)} in the async method's class (it casts
 *       {@code f} to its frame class); {@link #resume}
 *       calls it. It starts at {@link #label} 0, or jumps to resume point {@code label}, restoring locals and stack
 *       from the frame's fields.</li>
 *   <li>It returns {@link #SUSPEND} after saving its state and setting {@code label} (it awaits {@link #awaiting},
 *       which already arranged a wake-up), {@link #DONE} with the value in {@link #result}, or the future the method
 *       returned, which the frame then polls in its place.</li>
 *   <li>{@link #cancel()} cancels {@code awaiting}, then resumes the body with a {@code null} context: at the resume
 *       point (and at any later {@code await}) the body throws {@link #cancelled()}, so its {@code finally} blocks
 *       run.</li>
 *   <li>A body that throws completes the frame with that failure: polling again is an error and {@link #cancel()}
 *       is a no-op, as after any completion (the body is never resumed twice from one resume point).</li>
 *   <li>One poller at a time, as for every future; a frame is never shared between tasks.</li>
 * </ol>
 *
 * @param <T> the async method's value type
 */
public abstract class AsyncFrame<T> implements Future<T> {
    /** The body suspended: it awaits {@link #awaiting}. */
    public static final Object SUSPEND = new Object();
    /** The body completed with {@link #result}. */
    public static final Object DONE = new Object();

    /** Where the body resumes: 0 before the first poll, {@code k} after suspending at its k-th resume point. */
    public int label;
    /** The future the body awaits while suspended. */
    public Future<?> awaiting;
    /** The checked failure type of an {@code await(future, type)} the body is suspended in, else {@code null}. */
    public Class<?> awaitingFailure;
    /** The value the body completed with ({@link #DONE}). */
    public Object result;
    private Future<T> tail;
    private boolean finished;

    /** For generated frames only. */
    protected AsyncFrame() {
    }

    /** @param cx the polling task's context, or {@code null} while cancelling @return see the class comment */
    protected abstract Object resume(Context cx);

    @Override
    @SuppressWarnings("unchecked")
    public final Poll<T> poll(Context cx) {
        Future<T> t = tail;
        if (t != null) {
            return t.poll(cx);
        }
        if (finished) {
            throw new IllegalStateException("an async method's future was polled after it completed");
        }
        Object r;
        try {
            r = resume(cx);
        } catch (Throwable e) {
            finished = true; // a failure completes the future: it is never resumed again (nor cancelled)
            awaiting = null;
            awaitingFailure = null;
            result = null;
            throw unchecked(e);
        }
        if (r == SUSPEND) {
            return Poll.pending();
        }
        finished = true;
        awaiting = null;
        if (r == DONE) {
            Object v = result;
            result = null;
            return Poll.ready((T) v);
        }
        if (r == null) {
            throw new NullPointerException("an async method returned null instead of a future (return "
                    + "Async.done(value) to complete with a value)");
        }
        tail = (Future<T>) r;
        return tail.poll(cx);
    }

    @Override
    public final void cancel() {
        if (tail != null) {
            tail.cancel();
            return;
        }
        if (finished) {
            return;
        }
        finished = true;
        if (label == 0) {
            return; // never started: no finally block was entered
        }
        Future<?> a = awaiting;
        awaiting = null;
        if (a != null) {
            a.cancel();
        }
        try {
            Object r = resume(null);
            if (r instanceof Future<?> f) {
                f.cancel(); // the method returned a future while cancelling: it is not wanted
            }
        } catch (CancellationException expected) {
            // the usual end: the cancellation went through the method's finally blocks
        } catch (Throwable e) {
            // cancel() must not throw; a finally block that failed while cancelling has no one to report to
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

    /** @return the exception an await throws while its method is being cancelled */
    public static CancellationException cancelled() {
        return new CancellationException("the async method was cancelled while awaiting");
    }

    /**
     * Polls the future of an {@code await(future, failure)}: a failure that is, or is caused by, a
     * {@code failure} is rethrown as that exception.
     *
     * @throws Throwable the unwrapped failure (the body declares what the await declared)
     */
    public static Poll<?> pollUnwrapping(Future<?> future, Context cx, Class<?> failure) throws Throwable {
        try {
            return future.poll(cx);
        } catch (Throwable e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (failure.isInstance(c)) {
                    throw c;
                }
                if (c.getCause() == c) {
                    break;
                }
            }
            throw e;
        }
    }
}
