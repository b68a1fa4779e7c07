package io.cortado.internal.sched;

import io.cortado.internal.task.TaskCell;

/**
 * The multi-thread scheduler's global queue: an intrusive FIFO linked through {@link TaskCell}'s own link field,
 * so pushing allocates nothing, and a local-queue overflow of 129 tasks is appended under one lock (Tokio's
 * {@code inject} design). Any thread pushes; workers pop.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>All structure is guarded by this object's monitor; {@link #size} is written only under it and is volatile
 *       so {@link #isEmpty()} can be read without the lock (a snapshot: a push that completed before the read is
 *       seen).</li>
 *   <li>A task is in at most one run queue at a time (rule 2 of {@link TaskCell}), so its single link field is
 *       never needed twice; it is cleared when the task is popped.</li>
 * </ol>
 * Guarded by {@code InjectQueueTest} and the multi-thread stress tests.
 */
final class InjectQueue {
    private TaskCell<?> head;
    private TaskCell<?> tail;
    private volatile int size;

    synchronized void push(TaskCell<?> task) {
        task.setNextInject(null);
        if (tail == null) {
            head = task;
        } else {
            tail.setNextInject(task);
        }
        tail = task;
        size = size + 1;
    }

    /** Appends {@code items[0..n)} in order under one lock. */
    synchronized void pushBatch(Object[] items, int n) {
        for (int i = 0; i < n; i++) {
            TaskCell<?> t = (TaskCell<?>) items[i];
            t.setNextInject(null);
            if (tail == null) {
                head = t;
            } else {
                tail.setNextInject(t);
            }
            tail = t;
        }
        size = size + n;
    }

    /** @return the oldest task, or {@code null} */
    TaskCell<?> pop() {
        if (size == 0) {
            return null;
        }
        synchronized (this) {
            TaskCell<?> t = head;
            if (t == null) {
                return null;
            }
            head = t.nextInject();
            if (head == null) {
                tail = null;
            }
            t.setNextInject(null);
            size = size - 1;
            return t;
        }
    }

    /**
     * Pops up to {@code max} tasks, oldest first, into {@code out[0..)} under one lock.
     *
     * @return how many were popped
     */
    int popBatch(TaskCell<?>[] out, int max) {
        if (size == 0) {
            return 0;
        }
        synchronized (this) {
            int n = 0;
            while (n < max && head != null) {
                TaskCell<?> t = head;
                head = t.nextInject();
                t.setNextInject(null);
                out[n++] = t;
            }
            if (head == null) {
                tail = null;
            }
            size = size - n;
            return n;
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    synchronized void clear() {
        while (head != null) {
            TaskCell<?> t = head;
            head = t.nextInject();
            t.setNextInject(null);
        }
        tail = null;
        size = 0;
    }
}
