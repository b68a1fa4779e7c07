package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.function.Function;

/** {@link Future#map}: applies a function to the inner future's value. */
public final class MapFuture<T, U> implements Future<U> {
    private Future<T> inner;
    private final Function<? super T, ? extends U> fn;

    public MapFuture(Future<T> inner, Function<? super T, ? extends U> fn) {
        this.inner = inner;
        this.fn = fn;
    }

    @Override
    public Poll<U> poll(Context cx) {
        Poll<T> p = inner.poll(cx);
        if (!p.isReady()) {
            return Poll.pending();
        }
        inner = Done.future();
        return Poll.ready(fn.apply(p.value()));
    }

    @Override
    public void cancel() {
        Future<T> f = inner;
        inner = Done.future();
        f.cancel();
    }
}
