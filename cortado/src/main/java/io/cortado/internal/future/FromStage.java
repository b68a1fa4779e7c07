package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code Futures.fromCompletionStage}: a future of a stage's outcome. The stage's completion callback (registered
 * once, at the first poll) wakes the latest waker; the waker is written (volatile) before the stage's state is read,
 * and the callback completes the stage before it reads the waker, so no completion is missed.
 */
public final class FromStage<T> implements Future<T> {
    private final CompletableFuture<T> stage;
    private volatile Waker waker;
    private boolean registered;

    public FromStage(CompletionStage<T> stage) {
        this.stage = stage.toCompletableFuture();
    }

    @Override
    public Poll<T> poll(Context cx) {
        if (!stage.isDone()) {
            waker = cx.waker();
            if (!registered) {
                registered = true;
                stage.whenComplete((v, e) -> {
                    Waker w = waker;
                    if (w != null) {
                        w.wake();
                    }
                });
            }
            if (!stage.isDone()) {
                cx.waitingOn(this);
                return Poll.pending();
            }
        }
        try {
            return Poll.ready(stage.join());
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (CancellationException e) {
            throw e;
        }
    }

    /** For task dumps. */
    @Override
    public String toString() {
        return "CompletionStage " + stage;
    }

    /** Cancels the stage where it can be cancelled ({@link CompletableFuture#cancel}). */
    @Override
    public void cancel() {
        waker = null;
        stage.cancel(false);
    }
}
