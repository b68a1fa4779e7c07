package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

/** {@link io.cortado.Task#yieldNow()}: pending once (after waking itself), then ready. */
public final class YieldNow implements Future<Void> {
    private boolean yielded;

    @Override
    public Poll<Void> poll(Context cx) {
        if (yielded) {
            return Poll.ready(null);
        }
        yielded = true;
        cx.waker().wake();
        return Poll.pending();
    }
}
