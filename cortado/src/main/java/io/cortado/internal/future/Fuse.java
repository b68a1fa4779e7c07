package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.FusedFuture;
import io.cortado.Poll;

/** {@link Future#fuse()}: pending forever once terminated, and says so. */
public final class Fuse<T> implements FusedFuture<T> {
    private Future<T> inner;

    public Fuse(Future<T> inner) {
        this.inner = inner;
    }

    @Override
    public Poll<T> poll(Context cx) {
        Future<T> f = inner;
        if (f == null) {
            return Poll.pending();
        }
        Poll<T> p;
        try {
            p = f.poll(cx);
        } catch (RuntimeException | Error e) {
            inner = null;
            throw e;
        }
        if (p.isReady()) {
            inner = null;
        }
        return p;
    }

    @Override
    public boolean isTerminated() {
        return inner == null;
    }

    @Override
    public void cancel() {
        Future<T> f = inner;
        inner = null;
        if (f != null) {
            f.cancel();
        }
    }
}
