package io.cortado.internal.sim;

import io.cortado.Future;
import io.cortado.JoinHandle;

/** What a simulation learns of every spawn on its runtime: it wraps the future, then sees the task's handle. */
public interface SpawnHook {
    /** @return the future to run instead (e.g. the same future, kept in its host's context) */
    <T> Future<T> wrap(Future<T> future);

    /** @param task the task just spawned (not yet polled) */
    void spawned(JoinHandle<?> task);
}
