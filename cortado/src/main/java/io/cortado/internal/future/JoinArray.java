package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.function.Function;

/**
 * Joins a small, fixed number of futures of different types ({@code Futures.join(a, b)} ...): every poll polls each
 * unfinished child, in order, on the joining task. When one fails, the others are cancelled and the failure is
 * rethrown. For many children use {@link JoinAll}, which polls only the children that were woken.
 */
public final class JoinArray<R> implements Future<R> {
    private final Future<?>[] children;
    private final Object[] results;
    private final Function<Object[], R> finish;
    private int remaining;

    public JoinArray(Future<?>[] children, Function<Object[], R> finish) {
        this.children = children;
        this.results = new Object[children.length];
        this.finish = finish;
        this.remaining = children.length;
    }

    @Override
    public Poll<R> poll(Context cx) {
        for (int i = 0; i < children.length; i++) {
            Future<?> child = children[i];
            if (child == null) {
                continue;
            }
            Poll<?> p;
            try {
                p = child.poll(cx);
            } catch (RuntimeException | Error e) {
                children[i] = null;
                cancel();
                throw e;
            }
            if (p.isReady()) {
                results[i] = p.value();
                children[i] = null;
                remaining--;
            }
        }
        return remaining == 0 ? Poll.ready(finish.apply(results)) : Poll.pending();
    }

    @Override
    public void cancel() {
        for (int i = 0; i < children.length; i++) {
            Future<?> child = children[i];
            if (child != null) {
                children[i] = null;
                child.cancel();
            }
        }
    }
}
