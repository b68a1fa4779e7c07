package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Either;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code Futures.select(a, b)}: the first of two futures to finish wins; the loser is cancelled. Each poll starts
 * with a randomly chosen branch (so neither starves the other), unless biased, where {@code a} goes first.
 * A branch that throws fails the select, and the other branch is cancelled. Branch 0 is {@code a} (left), branch
 * 1 is {@code b} (right); a finished or cancelled branch is replaced by {@link Done}.
 */
public final class Select2<A, B> implements Future<Either<A, B>> {
    private final Future<?>[] branches;
    private final boolean biased;

    public Select2(Future<A> a, Future<B> b, boolean biased) {
        this.branches = new Future<?>[]{a, b};
        this.biased = biased;
    }

    @Override
    public Poll<Either<A, B>> poll(Context cx) {
        int first = biased || ThreadLocalRandom.current().nextBoolean() ? 0 : 1;
        Poll<Either<A, B>> r = pollBranch(first, cx);
        return r.isReady() ? r : pollBranch(1 - first, cx);
    }

    @SuppressWarnings("unchecked")
    private Poll<Either<A, B>> pollBranch(int i, Context cx) {
        Poll<?> p;
        try {
            p = branches[i].poll(cx);
        } catch (RuntimeException | Error e) {
            branches[i] = Done.INSTANCE;
            cancel();
            throw e;
        }
        if (!p.isReady()) {
            return Poll.pending();
        }
        branches[i] = Done.INSTANCE;
        cancel();
        return Poll.ready(i == 0 ? Either.left((A) p.value()) : Either.right((B) p.value()));
    }

    @Override
    public void cancel() {
        for (int i = 0; i < 2; i++) {
            Future<?> f = branches[i];
            branches[i] = Done.INSTANCE;
            f.cancel();
        }
    }
}
