package io.cortado.testing;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A controllable future: pending until {@link #complete} or {@link #fail}, counting polls and cancels, and keeping
 * the waker of its last poll. Thread-safe.
 */
public final class Probe<T> implements Future<T> {
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicInteger cancels = new AtomicInteger();
    private volatile Waker waker;
    private volatile Poll<T> result = Poll.pending();
    private volatile RuntimeException failure;

    @Override
    public Poll<T> poll(Context cx) {
        polls.incrementAndGet();
        if (cancels.get() > 0) {
            throw new AssertionError("a cancelled future was polled");
        }
        waker = cx.waker();
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        return result;
    }

    @Override
    public void cancel() {
        cancels.incrementAndGet();
        waker = null;
    }

    /** Makes the next poll ready with {@code value} and wakes the last poller. */
    public void complete(T value) {
        result = Poll.ready(value);
        wakeLast();
    }

    /** Makes the next poll throw {@code e} and wakes the last poller. */
    public void fail(RuntimeException e) {
        failure = e;
        wakeLast();
    }

    /** Wakes the waker of the last poll, if any. */
    public void wakeLast() {
        Waker w = waker;
        if (w != null) {
            w.wake();
        }
    }

    public int polls() {
        return polls.get();
    }

    public int cancels() {
        return cancels.get();
    }
}
