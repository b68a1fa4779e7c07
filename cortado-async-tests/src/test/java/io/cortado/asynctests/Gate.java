package io.cortado.asynctests;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

/**
 * A future that completes when the test says so, and records what was done to it: how often it was polled and
 * whether it was cancelled. Thread-safe.
 */
final class Gate<T> implements Future<T> {
    private final String name;
    private Waker waker;
    private boolean done;
    private T value;
    private RuntimeException failure;
    private int polls;
    private boolean cancelled;

    Gate(String name) {
        this.name = name;
    }

    @Override
    public synchronized Poll<T> poll(Context cx) {
        polls++;
        if (cancelled) {
            throw new AssertionError(name + " polled after it was cancelled");
        }
        if (failure != null) {
            throw failure;
        }
        if (done) {
            return Poll.ready(value);
        }
        waker = cx.waker();
        return Poll.pending();
    }

    @Override
    public synchronized void cancel() {
        cancelled = true;
        waker = null;
    }

    /** Completes with {@code v}, waking the last poller. */
    void complete(T v) {
        Waker w;
        synchronized (this) {
            value = v;
            done = true;
            w = waker;
            waker = null;
        }
        if (w != null) {
            w.wake();
        }
    }

    /** Fails with {@code e}, waking the last poller. */
    void fail(RuntimeException e) {
        Waker w;
        synchronized (this) {
            failure = e;
            w = waker;
            waker = null;
        }
        if (w != null) {
            w.wake();
        }
    }

    synchronized int polls() {
        return polls;
    }

    synchronized boolean cancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "Gate(" + name + ")";
    }
}
