package io.cortado.internal.blocking;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.Throwables;

import java.util.concurrent.Callable;

/** Runs a blocking {@link Callable} in its first poll; the future of a {@code spawnBlocking} task. */
public final class BlockingFuture<T> implements Future<T> {
    private Callable<? extends T> work;

    /** @param work the blocking work */
    public BlockingFuture(Callable<? extends T> work) {
        this.work = work;
    }

    @Override
    public Poll<T> poll(Context cx) {
        Callable<? extends T> w = work;
        work = null;
        try {
            return Poll.ready(w.call());
        } catch (Exception e) {
            throw Throwables.unchecked(e);
        }
    }

    @Override
    public void cancel() {
        work = null;
    }
}
