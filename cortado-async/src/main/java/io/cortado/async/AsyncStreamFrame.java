package io.cortado.async;

import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.stream.Stream;

import java.util.concurrent.CancellationException;

/**
 * The base class of the frames of async generators (methods returning {@link Stream} that call
 * {@link Async#yield}). <b>For generated code.</b> Same protocol as {@link AsyncFrame}, plus: the body returns
 * {@link #YIELD} after storing an item in {@link #result} and setting {@code label} to the point after the
 * {@code yield}; a returned stream supplies the remaining items.
 *
 * @param <T> the item type
 */
public abstract class AsyncStreamFrame<T> implements Stream<T> {
    /** The body yielded {@link #result}. */
    public static final Object YIELD = new Object();

    /** See {@link AsyncFrame#label}. */
    public int label;
    /** See {@link AsyncFrame#awaiting}. */
    public io.cortado.Future<?> awaiting;
    /** See {@link AsyncFrame#awaitingFailure}. */
    public Class<?> awaitingFailure;
    /** The item yielded. */
    public Object result;
    private Stream<T> tail;
    private boolean finished;

    /** For generated frames only. */
    protected AsyncStreamFrame() {
    }

    /** @param cx the polling task's context, or {@code null} while cancelling */
    protected abstract Object resume(Context cx);

    @Override
    @SuppressWarnings("unchecked")
    public final Poll<T> pollNext(Context cx) {
        Stream<T> t = tail;
        if (t != null) {
            return t.pollNext(cx);
        }
        if (finished) {
            return Poll.ready(null);
        }
        Object r;
        try {
            r = resume(cx);
        } catch (Throwable e) {
            finished = true; // a failure ends the stream: it is never resumed again (nor cancelled)
            awaiting = null;
            awaitingFailure = null;
            result = null;
            throw AsyncFrame.unchecked(e);
        }
        if (r == AsyncFrame.SUSPEND) {
            return Poll.pending();
        }
        if (r == YIELD) {
            Object item = result;
            result = null;
            return Poll.ready((T) item);
        }
        finished = true;
        awaiting = null;
        if (r == null) {
            throw new NullPointerException("an async generator returned null instead of a stream (return "
                    + "Async.end() when there are no more items)");
        }
        tail = (Stream<T>) r;
        return tail.pollNext(cx);
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
            return;
        }
        io.cortado.Future<?> a = awaiting;
        awaiting = null;
        if (a != null) {
            a.cancel();
        }
        try {
            Object r = resume(null);
            if (r instanceof Stream<?> s) {
                s.cancel();
            }
        } catch (CancellationException expected) {
            // the cancellation went through the generator's finally blocks
        } catch (Throwable e) {
            // cancel() must not throw
        } finally {
            result = null;
        }
    }
}
