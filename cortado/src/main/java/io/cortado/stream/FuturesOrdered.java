package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A queue of futures polled concurrently on one task, yielding their values in the order they were pushed
 * (Rust's {@code FuturesOrdered}). Built on {@link FuturesUnordered} (so only woken members are polled); a value
 * that completes before those ahead of it waits in a small map.
 *
 * @param <T> the value type
 */
public final class FuturesOrdered<T> implements Stream<T> {
    private final FuturesUnordered<Map.Entry<Long, T>> running = new FuturesUnordered<>();
    private final Map<Long, T> early = new HashMap<>();
    private long pushed;
    private long nextOut;

    /** An empty queue. */
    public FuturesOrdered() {
    }

    /**
     * Adds a future at the back; its value comes after those of every future pushed before it.
     *
     * @param future the future
     */
    public void push(Future<? extends T> future) {
        Objects.requireNonNull(future, "future");
        long index = pushed++;
        running.push(future.map(v -> Map.entry(index, (T) v)));
    }

    /** @return how many values are still to come */
    public int size() {
        return running.size() + early.size();
    }

    /** @return whether no value is still to come */
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public Poll<T> pollNext(Context cx) {
        for (; ; ) {
            T v = early.remove(nextOut);
            if (v != null) {
                nextOut++;
                return Poll.ready(v);
            }
            if (running.isEmpty()) {
                return Poll.ready(null);
            }
            Poll<Map.Entry<Long, T>> r = running.pollNext(cx);
            if (!r.isReady()) {
                return Poll.pending();
            }
            Map.Entry<Long, T> e = r.value();
            if (e.getKey() == nextOut) {
                nextOut++;
                return Poll.ready(e.getValue());
            }
            early.put(e.getKey(), e.getValue());
        }
    }

    /** Cancels every future still running and forgets the values waiting for their turn. */
    @Override
    public void cancel() {
        running.cancel();
        early.clear();
    }
}
