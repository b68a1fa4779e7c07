package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

/**
 * {@link Stream#buffered} and {@link Stream#bufferUnordered}: keeps up to {@code limit} of the source's futures
 * running in a {@link FuturesOrdered} or a {@link FuturesUnordered}, pulling more from the source as they finish.
 */
final class Buffered<T> implements Stream<T> {
    private final Stream<Future<? extends T>> source;
    private final int limit;
    private final FuturesOrdered<T> ordered;
    private final FuturesUnordered<T> unordered;
    private boolean sourceDone;

    Buffered(Stream<Future<? extends T>> source, int limit, boolean inOrder) {
        if (limit < 1) {
            throw new IllegalArgumentException("n : " + limit + " (expected: >= 1)");
        }
        this.source = source;
        this.limit = limit;
        this.ordered = inOrder ? new FuturesOrdered<>() : null;
        this.unordered = inOrder ? null : new FuturesUnordered<>();
    }

    private int running() {
        return ordered != null ? ordered.size() : unordered.size();
    }

    @Override
    public Poll<T> pollNext(Context cx) {
        while (!sourceDone && running() < limit) {
            Poll<Future<? extends T>> p = source.pollNext(cx);
            if (!p.isReady()) {
                break;
            }
            if (p.value() == null) {
                sourceDone = true;
                break;
            }
            if (ordered != null) {
                ordered.push(p.value());
            } else {
                unordered.push(p.value());
            }
        }
        if (running() == 0) {
            return sourceDone ? Poll.ready(null) : Poll.pending();
        }
        Poll<T> r = ordered != null ? ordered.pollNext(cx) : unordered.pollNext(cx);
        if (r.isReady() && r.value() == null) {
            return sourceDone ? Poll.ready(null) : Poll.pending(); // not reached while running() > 0
        }
        return r;
    }

    @Override
    public void cancel() {
        if (ordered != null) {
            ordered.cancel();
        } else {
            unordered.cancel();
        }
        source.cancel();
    }
}
