package io.cortado.async;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.concurrent.CancellationException;

/**
 * The base class of the frames that {@code cortado-async-compiler} generates: one object per call of an async
 * method, holding the method's locals and operand stack across suspensions. <b>For generated code</b>: users never
 * extend or call it.
 *
 * <h2>Protocol between a frame and its body</h2>
 * <ol>
 *   <li>The body is a static method {@code m(AsyncFrame f, Context cx)} in the async method's class (it casts
 *       {@code f} to its frame class); the frame's generated {@code poll} calls it directly, and {@link #resume}
 *       for every other path. It starts at {@link #label} 0, or jumps to resume point {@code label}, restoring locals and stack
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
public abstract class AsyncFrame<T> extends FrameCore implements Future<T> {
    /** The body suspended: it awaits {@code awaiting}. */
    public static final Object SUSPEND = new Object();
    /** The body completed with {@code result}. */
    public static final Object DONE = new Object();

    private Future<T> tail;

    /** For generated frames only. */
    protected AsyncFrame() {
    }

    /**
     * Polls the frame. Generated frames override this with the same steps, calling their body directly (no virtual
     * {@code resume} call, which is megamorphic in a program with many async methods) and this method for anything
     * but the hot path.
     */
    @Override
    public Poll<T> poll(Context cx) {
        if (tail == null && !finished) { // the hot path, kept small so the JIT inlines it into the poller
            Object r = step(cx);
            return r == SUSPEND ? Poll.pending() : completed(r, cx);
        }
        return pollAfter(cx);
    }

    /** For a generated {@code poll}: whether the body runs now (no returned future yet, not finished). */
    protected final boolean running() {
        return tail == null && !finished;
    }

    /** For a generated {@code poll}: the body's outcome, not {@link #SUSPEND}, as this poll's result. */
    protected final Poll<T> complete(Object r, Context cx) {
        return completed(r, cx);
    }

    /** For a generated {@code poll}: the body threw {@code e} (rule 4). @return what to throw */
    protected final RuntimeException fail(Throwable e) {
        return failed(e);
    }

    @SuppressWarnings("unchecked")
    private Poll<T> completed(Object r, Context cx) {
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

    private Poll<T> pollAfter(Context cx) {
        if (tail != null) {
            return tail.poll(cx);
        }
        throw new IllegalStateException("an async method's future was polled after it completed");
    }

    @Override
    public final void cancel() {
        if (tail != null) {
            tail.cancel();
        } else if (cancelBody() instanceof Future<?> f) {
            f.cancel(); // the method returned a future while cancelling: it is not wanted
        }
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
