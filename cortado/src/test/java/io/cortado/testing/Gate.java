package io.cortado.testing;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

/** A future that is Pending until {@link #open()} (from any thread), then Ready with its value; cancel is noted. */
public final class Gate<T> implements Future<T> {
    private final T value;
    private volatile boolean open;
    private volatile Waker waker;
    private volatile boolean cancelled;

    public Gate(T value) {
        this.value = value;
    }

    @Override
    public Poll<T> poll(Context cx) {
        if (open) {
            return Poll.ready(value);
        }
        waker = cx.waker();
        return open ? Poll.ready(value) : Poll.pending(); // look again after publishing the waker
    }

    /** Opens the gate and wakes its latest poller. */
    public void open() {
        open = true;
        Waker w = waker;
        if (w != null) {
            w.wake();
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    /** @return whether the gate was cancelled */
    public boolean isCancelled() {
        return cancelled;
    }
}
