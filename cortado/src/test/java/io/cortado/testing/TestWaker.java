package io.cortado.testing;

import io.cortado.Context;
import io.cortado.Waker;

import java.util.concurrent.atomic.AtomicInteger;

/** A waker that counts its wakes, and a context around it with an optional budget. */
public final class TestWaker implements Waker {
    private final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
        wakes.incrementAndGet();
    }

    /** @return how often {@link #wake()} was called */
    public int wakes() {
        return wakes.get();
    }

    /** @return a context with an unlimited budget */
    public Context context() {
        return Context.of(this);
    }

    /** @return a context whose budget allows {@code units} operations */
    public Context contextWithBudget(int units) {
        Waker self = this;
        return new Context() {
            private int left = units;

            @Override
            public Waker waker() {
                return self;
            }

            @Override
            public boolean consumeBudget() {
                return left-- > 0;
            }
        };
    }
}
