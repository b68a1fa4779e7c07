package io.cortado.internal.task;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The tasks a runtime owns and must cancel at shutdown: intrusive doubly-linked lists, sharded so that workers
 * spawning and completing tasks at once rarely contend (Tokio's {@code OwnedTasks} does the same).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>A task is bound to one shard, chosen at random when it is bound and remembered in the task; each shard is
 *       guarded by its own monitor.</li>
 *   <li>{@link #bind} inserts a task unless the list is closed; a task that could not be bound is shut down by the
 *       caller, so a spawn that races with shutdown either lands in a shard (and is cancelled with it) or is
 *       cancelled at once. No task escapes both: {@link #close} sets every shard's closed flag under that shard's
 *       monitor, the same monitor {@link #bind} checks it under.</li>
 *   <li>{@link #remove} is called once per bound task, when it completes ({@link Scheduler#release}); removing a
 *       task that is not linked is ignored.</li>
 *   <li>{@link #close} returns every task bound before it closed the shard holding it.</li>
 * </ol>
 */
public final class OwnedTasks {
    private final Shard[] shards;
    private final int mask;

    /** A list for a runtime with the given parallelism (shards: a power of two, at least 4 per thread). */
    public OwnedTasks(int parallelism) {
        int n = Integer.highestOneBit(Math.max(4, parallelism * 4) - 1) << 1;
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
        mask = n - 1;
    }

    /** A list for a single-threaded runtime. */
    public OwnedTasks() {
        this(1);
    }

    /** @return {@code true} if bound; {@code false} if the list is closed (the caller must shut the task down) */
    public boolean bind(TaskCell<?> task) {
        int s = shards.length == 1 ? 0 : ThreadLocalRandom.current().nextInt() & mask;
        task.ownedShard = s;
        return shards[s].bind(task);
    }

    /** Unlinks a completed task; a task that is not linked is ignored. */
    public void remove(TaskCell<?> task) {
        shards[task.ownedShard].remove(task);
    }

    /** @return the number of live tasks (a sum over the shards) */
    public int size() {
        int n = 0;
        for (Shard s : shards) {
            n += s.size();
        }
        return n;
    }

    /** Closes the list to new tasks and returns the tasks alive now. Idempotent. */
    public List<TaskCell<?>> close() {
        List<TaskCell<?>> all = new ArrayList<>();
        for (Shard s : shards) {
            s.closeInto(all);
        }
        return all;
    }

    private static final class Shard {
        private TaskCell<?> head;
        private int size;
        private boolean closed;

        synchronized boolean bind(TaskCell<?> task) {
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

        synchronized void remove(TaskCell<?> task) {
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

        synchronized int size() {
            return size;
        }

        synchronized void closeInto(List<TaskCell<?>> out) {
            closed = true;
            for (TaskCell<?> t = head; t != null; t = t.nextOwned) {
                out.add(t);
            }
        }
    }
}
