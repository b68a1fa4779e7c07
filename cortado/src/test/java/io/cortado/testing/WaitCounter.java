package io.cortado.testing;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Shows that a stress test took the waiting path it exists for. {@link #count} wraps a future and counts, when it
 * completes (a value or an exception):
 * <ul>
 *   <li>{@link #waited()}: it returned {@code Pending} at least once first;</li>
 *   <li>{@link #immediate()}: it completed at its first poll;</li>
 *   <li>{@link #wokenAcrossThreads()}: it waited, and a wake of the waker it was polled with came from a thread other
 *       than the one whose poll returned {@code Pending} (another worker, or a thread outside the runtime).</li>
 * </ul>
 * {@link #waitingNow()} is how many wrapped futures returned {@code Pending} and have neither completed nor been
 * cancelled: a test waits for it to reach the number of its waiters before it fires the event they wait for.
 * Thread-safe; each wrapped future is polled by one task at a time, as any future.
 */
public final class WaitCounter {
    private final LongAdder waited = new LongAdder();
    private final LongAdder immediate = new LongAdder();
    private final LongAdder acrossThreads = new LongAdder();
    private final AtomicInteger waitingNow = new AtomicInteger();

    /**
     * @param future the future to watch
     * @param <T>    its output type
     * @return a future that behaves as {@code future} (polls, cancels) and counts its wait
     */
    public <T> Future<T> count(Future<T> future) {
        return new Future<>() {
            private boolean pended;
            private boolean done;
            private final AtomicBoolean crossWake = new AtomicBoolean();

            @Override
            public Poll<T> poll(Context cx) {
                Thread poller = Thread.currentThread();
                Waker inner = cx.waker();
                Waker w = () -> {
                    if (Thread.currentThread() != poller) {
                        crossWake.set(true);
                    }
                    inner.wake();
                };
                Poll<T> p;
                try {
                    p = future.poll(cx.withWaker(w));
                } catch (RuntimeException | Error e) {
                    completed();
                    throw e;
                }
                if (p.isReady()) {
                    completed();
                } else if (!pended) {
                    pended = true;
                    waitingNow.incrementAndGet();
                }
                return p;
            }

            private void completed() {
                if (done) {
                    return;
                }
                done = true;
                if (pended) {
                    waitingNow.decrementAndGet();
                    waited.increment();
                    if (crossWake.get()) {
                        acrossThreads.increment();
                    }
                } else {
                    immediate.increment();
                }
            }

            @Override
            public void cancel() {
                if (pended && !done) {
                    waitingNow.decrementAndGet();
                }
                done = true;
                future.cancel();
            }

            @Override
            public String toString() {
                return future.toString();
            }
        };
    }

    /** @return how many wrapped futures completed after returning {@code Pending} at least once */
    public long waited() {
        return waited.sum();
    }

    /** @return how many wrapped futures completed at their first poll */
    public long immediate() {
        return immediate.sum();
    }

    /** @return how many of the {@link #waited()} ones were woken from a thread other than the one that waited */
    public long wokenAcrossThreads() {
        return acrossThreads.sum();
    }

    /** @return how many wrapped futures are waiting now (returned {@code Pending}, not completed, not cancelled) */
    public int waitingNow() {
        return waitingNow.get();
    }

    @Override
    public String toString() {
        return "waited " + waited() + " (woken across threads " + wokenAcrossThreads() + "), immediate "
                + immediate() + ", waiting now " + waitingNow();
    }
}
