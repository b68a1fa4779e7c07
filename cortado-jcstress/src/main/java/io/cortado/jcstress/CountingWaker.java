package io.cortado.jcstress;

import io.cortado.Waker;

import java.util.concurrent.atomic.AtomicInteger;

/** A waker that counts its wakes (read by the arbiter after both actors). */
final class CountingWaker implements Waker {
    final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
        wakes.incrementAndGet();
    }
}
