package io.cortado.internal;

import io.cortado.Handle;

/**
 * A thread a runtime created (a worker or a blocking-pool thread). It carries the handle of the runtime it is
 * running in a plain field, so ambient discovery ({@code Task.spawn}) on the hot path is a type check and a load
 * instead of a {@link ScopedValue} lookup. {@link RuntimeContext} keeps the field equal to the bound scoped value:
 * it is written only by the thread itself, around the same extent the scoped value is bound for.
 */
public class RuntimeThread extends Thread {
    /** The runtime this thread is running now, or {@code null}; written and read only by this thread. */
    Handle current;
    /** This thread's task-local chain ({@link LocalBinding} rule 1); written and read only by this thread. */
    LocalBinding taskLocals;

    /**
     * @param task what the thread runs
     * @param name its name
     */
    public RuntimeThread(Runnable task, String name) {
        super(null, task, name, 0, false);
        setDaemon(true);
    }
}
