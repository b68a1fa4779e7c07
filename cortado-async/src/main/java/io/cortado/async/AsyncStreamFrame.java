package io.cortado.async;

import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.stream.Stream;


/**
 * The base class of the frames of async generators (methods returning {@link Stream} that call
 * {@link Async#yield}). <b>For generated code.</b> Same protocol as {@link AsyncFrame}, plus: the body returns
 * {@link #YIELD} after storing an item in {@link #result} and setting {@code label} to the point after the
 * {@code yield}; a returned stream supplies the remaining items.
 *
 * @param <T> the item type
 */
public abstract class AsyncStreamFrame<T> extends FrameCore implements Stream<T> {
    /** The body yielded {@code result}. */
    public static final Object YIELD = new Object();

    private Stream<T> tail;

    /** For generated frames only. */
    protected AsyncStreamFrame() {
    }

    @Override
    @SuppressWarnings("unchecked")
    public final Poll<T> pollNext(Context cx) {
        Stream<T> t = tail;
        if (t != null) {
            return t.pollNext(cx);
        }
        if (finished) {
            return Poll.ready(null); // ended (a failure ends a stream too)
        }
        Object r = step(cx);
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
        } else if (cancelBody() instanceof Stream<?> s) {
            s.cancel(); // the generator returned a stream while cancelling: it is not wanted
        }
    }
}
