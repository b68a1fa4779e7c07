package io.cortado;

/**
 * A future that may be polled again after it completed, and says whether it has: the seed's "fuse".
 *
 * <p>Once terminated (it returned {@code Ready}, threw, or was cancelled) every further poll returns
 * {@link Poll#pending()} without touching the inner future and without registering a waker, so a {@code select}
 * loop can keep polling a finished branch harmlessly, or skip it by checking {@link #isTerminated()}.
 * Make one with {@link Future#fuse()}.
 *
 * @param <T> the type of the value
 */
public interface FusedFuture<T> extends Future<T> {

    /** @return {@code true} once the future has produced its value, failed, or been cancelled */
    boolean isTerminated();
}
