package io.cortado.test;

import io.cortado.Context;
import io.cortado.Waker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A waker that counts its wakes, for polling futures by hand: a future that returns {@code Pending} must have
 * arranged a wake, and this says whether (and how often) it came. Thread-safe.
 *
 * <pre>{@code
 * Oneshot.Channel<String> ch = Oneshot.channel();
 * TestWaker waker = AsyncAssertions.assertPending(ch.receiver(), 1);
 * ch.sender().send("hi");
 * assertEquals(1, waker.wakes());
 * assertEquals("hi", AsyncAssertions.assertReady(ch.receiver()));
 * }</pre>
 */
public final class TestWaker implements Waker {
    private final AtomicInteger wakes = new AtomicInteger();

    /** Creates a waker that has not been woken. */
    public TestWaker() {
    }

    @Override
    public void wake() {
        wakes.incrementAndGet();
    }

    /** @return how often {@link #wake()} has been called */
    public int wakes() {
        return wakes.get();
    }

    /** @return a context around this waker whose cooperative budget never runs out */
    public Context context() {
        return Context.of(this);
    }

    /**
     * @param units how many budgeted operations the context allows (see {@link Context#consumeBudget()}), at least 0
     * @return a context around this waker whose budget runs out after {@code units} operations, to test how a future
     *         behaves when its task must yield
     * @throws IllegalArgumentException if {@code units} is negative
     */
    public Context contextWithBudget(int units) {
        if (units < 0) {
            throw new IllegalArgumentException("units : " + units + " (expected: >= 0)");
        }
        Waker self = this;
        return new Context() {
            private int left = units;

            @Override
            public Waker waker() {
                return self;
            }

            @Override
            public boolean consumeBudget() {
                if (left == 0) {
                    return false;
                }
                left--;
                return true;
            }
        };
    }

    @Override
    public String toString() {
        return "TestWaker[wakes=" + wakes.get() + "]";
    }
}
