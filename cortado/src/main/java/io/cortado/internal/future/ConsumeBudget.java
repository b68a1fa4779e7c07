package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

/** {@link io.cortado.Task#consumeBudget()}: stateless, so one shared instance. */
public enum ConsumeBudget implements Future<Void> {
    INSTANCE;

    @Override
    public Poll<Void> poll(Context cx) {
        if (cx.consumeBudget()) {
            return Poll.ready(null);
        }
        cx.waker().wake();
        return Poll.pending();
    }
}
