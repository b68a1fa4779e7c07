package io.cortado.internal.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The tasks a runtime owns and must cancel at shutdown: an intrusive doubly-linked list guarded by a monitor.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>{@link #bind} inserts a task unless the list is closed; a task that could not be bound is shut down by the
 *       caller, so a spawn that races with shutdown either lands in the list (and is cancelled by it) or is
 *       cancelled at once. No task escapes both.</li>
 *   <li>{@link #remove} is called once per bound task, when it completes ({@link Scheduler#release}).</li>
 *   <li>{@link #close} sets the closed flag and returns a snapshot under the same lock as {@link #bind}, so every
 *       task bound before the close is in the snapshot.</li>
 * </ol>
 */
public final class OwnedTasks {
    private TaskCell<?> head;
    private int size;
    private boolean closed;

    /** @return {@code true} if bound; {@code false} if the list is closed (the caller must shut the task down) */
    public synchronized boolean bind(TaskCell<?> task) {
        if (closed) {
            return false;
        }
        task.nextOwned = head;
        if (head != null) {
            head.prevOwned = task;
        }
        head = task;
        size++;
        return true;
    }

    /** Unlinks a completed task; a task that is not linked is ignored. */
    public synchronized void remove(TaskCell<?> task) {
        TaskCell<?> prev = task.prevOwned;
        TaskCell<?> next = task.nextOwned;
        if (prev == null && head != task) {
            return;
        }
        if (prev != null) {
            prev.nextOwned = next;
        } else {
            head = next;
        }
        if (next != null) {
            next.prevOwned = prev;
        }
        task.prevOwned = null;
        task.nextOwned = null;
        size--;
    }

    /** @return the number of live tasks */
    public synchronized int size() {
        return size;
    }

    /** @return whether {@link #close} was called */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Closes the list to new tasks and returns the tasks alive now. Idempotent. */
    public synchronized List<TaskCell<?>> close() {
        closed = true;
        List<TaskCell<?>> all = new ArrayList<>(size);
        for (TaskCell<?> t = head; t != null; t = t.nextOwned) {
            all.add(t);
        }
        return all;
    }
}
