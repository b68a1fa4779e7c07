package io.cortado.internal.task;

/**
 * What a {@link TaskCell} needs from the scheduler it belongs to.
 */
public interface Scheduler {

    /**
     * Queues a task whose state just became NOTIFIED while idle (a wake, or an abort). Any thread.
     * Called at most once per idle-to-notified transition (rule 3 of {@link TaskCell}).
     */
    void schedule(TaskCell<?> task);

    /**
     * Queues a task that was woken while it was running (it yielded). Called on the thread that ran it.
     * The scheduler puts it behind the tasks already waiting, so a yielding task lets the others run.
     */
    void yieldTask(TaskCell<?> task);

    /** The task reached COMPLETE: forget it (remove it from the owned-task list). */
    void release(TaskCell<?> task);

    /** The task used up its cooperative budget in the current poll (for metrics). Called on the polling thread. */
    default void budgetExhausted(TaskCell<?> task) {
    }

    /** The task's poll threw {@code cause} (after it completed as failed): apply the unhandled-exception policy. */
    default void taskFailed(TaskCell<?> task, Throwable cause) {
    }
}
