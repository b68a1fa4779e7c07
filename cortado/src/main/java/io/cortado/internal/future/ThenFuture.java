package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.Objects;
import java.util.function.Function;

/** {@link Future#then}: runs the first future, then the future made from its value. */
public final class ThenFuture<T, U> implements Future<U> {
    private Future<T> first;
    private Function<? super T, ? extends Future<U>> fn;
    private Future<U> second;

    public ThenFuture(Future<T> first, Function<? super T, ? extends Future<U>> fn) {
        this.first = first;
        this.fn = fn;
    }

    @Override
    public Poll<U> poll(Context cx) {
        if (second == null) {
            Poll<T> p = first.poll(cx);
            if (!p.isReady()) {
                return Poll.pending();
            }
            Function<? super T, ? extends Future<U>> f = fn;
            first = null;
            fn = null;
            second = Objects.requireNonNull(f.apply(p.value()), "the function given to then() returned null");
        }
        return second.poll(cx);
    }

    @Override
    public void cancel() {
        Future<T> f = first;
        Future<U> s = second;
        first = null;
        fn = null;
        second = Done.future();
        if (s != null) {
            s.cancel();
        } else if (f != null) {
            f.cancel();
        }
    }
}
