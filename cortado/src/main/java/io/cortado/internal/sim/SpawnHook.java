package io.cortado.internal.sim;

import io.cortado.Future;
import io.cortado.JoinHandle;

/** What a simulation learns of every spawn on its runtime: it wraps the future, then sees the task's handle. */
public interface SpawnHook {
    /** @return the future to run instead (e.g. the same future, kept in its host's context) */
    <T> Future<T> wrap(Future<T> future);

    /** @return a name for an unnamed task (for dumps: which host's future it is), or {@code null} */
    default String name(Future<?> future) {
        return null;
    }

    /** @param task the task just spawned (not yet polled) */
    void spawned(JoinHandle<?> task);
}
