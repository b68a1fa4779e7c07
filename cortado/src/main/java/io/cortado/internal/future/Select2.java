package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Either;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code Futures.select(a, b)}: the first of two futures to finish wins; the loser is cancelled. Each poll starts
 * with a randomly chosen branch (so neither starves the other), unless biased, where {@code a} goes first.
 * A branch that throws fails the select, and the other branch is cancelled.
 */
public final class Select2<A, B> implements Future<Either<A, B>> {
    private Future<A> a;
    private Future<B> b;
    private final boolean biased;

    public Select2(Future<A> a, Future<B> b, boolean biased) {
        this.a = a;
        this.b = b;
        this.biased = biased;
    }

    @Override
    public Poll<Either<A, B>> poll(Context cx) {
        if (biased || ThreadLocalRandom.current().nextBoolean()) {
            Poll<Either<A, B>> r = pollA(cx);
            return r.isReady() ? r : pollB(cx);
        }
        Poll<Either<A, B>> r = pollB(cx);
        return r.isReady() ? r : pollA(cx);
    }

    private Poll<Either<A, B>> pollA(Context cx) {
        Poll<A> p;
        try {
            p = a.poll(cx);
        } catch (RuntimeException | Error e) {
            a = Done.future();
            cancel();
            throw e;
        }
        if (!p.isReady()) {
            return Poll.pending();
        }
        a = Done.future();
        cancel();
        return Poll.ready(Either.left(p.value()));
    }

    private Poll<Either<A, B>> pollB(Context cx) {
        Poll<B> p;
        try {
            p = b.poll(cx);
        } catch (RuntimeException | Error e) {
            b = Done.future();
            cancel();
            throw e;
        }
        if (!p.isReady()) {
            return Poll.pending();
        }
        b = Done.future();
        cancel();
        return Poll.ready(Either.right(p.value()));
    }

    @Override
    public void cancel() {
        Future<A> fa = a;
        Future<B> fb = b;
        a = Done.future();
        b = Done.future();
        fa.cancel();
        fb.cancel();
    }
}
