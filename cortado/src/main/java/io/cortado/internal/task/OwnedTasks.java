package io.cortado.internal.task;

import io.cortado.internal.SpinLock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The tasks a runtime owns and must cancel at shutdown, kept so that spawning costs one uncontended lock and
 * completing costs no lock (and no atomic when a worker completes the task).
 *
 * <h2>Layout</h2>
 * Singly linked intrusive lists ({@link TaskCell#nextOwned}) in shards. There are {@code owners} <i>owner shards</i>,
 * one per worker (or one for the current-thread runtime's core): a task spawned on worker {@code i} goes into shard
 * {@code i}, whose lock nobody else takes except at shutdown. Tasks spawned from any other thread go into one of the
 * <i>shared shards</i>, chosen at random. Completion does not touch the lists: completed tasks are unlinked lazily by
 * a <i>sweep</i>, which walks one shard and drops every COMPLETE task from it.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>Each shard's list, {@code closed} flag and counts are guarded by the shard's lock (a {@link SpinLock}:
 *       one atomic per critical section, and critical sections are a few stores long except a sweep or a close).
 *       </li>
 *   <li>{@link #bind} links a task unless the shard is closed; a task that could not be bound is shut down by the
 *       caller, so a spawn that races with shutdown either lands in a shard (and is cancelled with it) or is
 *       cancelled at once. No task escapes both: {@link #close} sets every shard's closed flag under that shard's
 *       lock, the same lock {@link #bind} checks it under.</li>
 *   <li>{@link #close} returns every task bound before it closed the shard holding it and not complete then;
 *       a complete task needs no cancelling.</li>
 *   <li><b>Bounded garbage.</b> A bind sweeps its shard when the shard holds at least twice as many tasks as the
 *       last sweep left, plus {@value #SWEEP_SLACK}; so sweeping costs O(1) amortised per bind, and a shard never
 *       holds more than about twice its live tasks. A worker about to park calls {@link #sweepIdle}, which sweeps
 *       its own shard and the shared shards if they hold at least {@value #IDLE_SWEEP_MIN} completed tasks (known
 *       from the counts of rule 5), so an idle runtime keeps fewer than that many completed tasks reachable per
 *       shard, and a park never walks a long list of live tasks for nothing.</li>
 *   <li><b>Counting.</b> Per shard, live = bound - completed, and garbage = completed - removed by sweeps. Binds
 *       and removals are counted under the shard lock. A completion is counted in the completing owner's own row
 *       (plain counters written only by the thread that holds that owner slot, read with opaque loads) or, from
 *       any other thread, in a shared atomic array. The counts are exact whenever no spawn or completion is in
 *       flight (and the reader has a happens-before edge to the last of them, e.g. it joined the task or the
 *       worker threads).</li>
 *   <li>A task is counted as completed only if it was bound ({@link TaskCell#ownedShard} set under the shard lock
 *       before the task is published).</li>
 * </ol>
 * Guarded by {@code OwnedTasksTest} (binds, sweeps, close racing binds from many threads) and the shutdown tests of
 * the behaviour suite.
 */
public final class OwnedTasks {
    /** Free growth of a shard before it is swept, so tiny shards are not swept on every bind. */
    static final int SWEEP_SLACK = 64;
    /** Completed tasks a shard must hold before a parking worker sweeps it (rule 4). */
    static final int IDLE_SWEEP_MIN = 1024;

    private final Shard[] shards;
    private final int owners;
    private final int sharedMask;
    /** Completions by owner slot and shard: row {@code i} is written only by the holder of slot {@code i}. */
    private final CompletionRow[] rows;
    /** Completions by any other thread, per shard. */
    private final AtomicLongArray otherCompleted;

    /**
     * @param owners the number of owner shards (workers); at least 1
     * @param shared the number of shared shards, rounded up to a power of two; at least 1
     */
    public OwnedTasks(int owners, int shared) {
        if (owners < 1 || shared < 1) {
            throw new IllegalArgumentException("owners and shared must be at least 1; got " + owners + ", " + shared);
        }
        int s = Integer.highestOneBit(shared * 2 - 1);
        this.owners = owners;
        this.sharedMask = s - 1;
        this.shards = new Shard[owners + s];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard();
        }
        this.rows = new CompletionRow[owners];
        for (int i = 0; i < owners; i++) {
            rows[i] = new CompletionRow(shards.length);
        }
        this.otherCompleted = new AtomicLongArray(shards.length);
    }

    /**
     * Links a new task (rule 2).
     *
     * @param task  the task, not yet published to any other thread
     * @param owner the owner slot of the calling thread (its worker index), or {@code -1} if it holds none
     * @return {@code true} if bound; {@code false} if the list is closed (the caller must shut the task down)
     */
    public boolean bind(TaskCell<?> task, int owner) {
        int i = owner >= 0 ? owner : owners + (ThreadLocalRandom.current().nextInt() & sharedMask);
        return shards[i].bind(task, i);
    }

    /**
     * Counts a task's completion (rules 5, 6); a task that was never bound is ignored. Does not unlink it.
     *
     * @param task  the completed task
     * @param owner the owner slot of the calling thread, or {@code -1}
     */
    public void completed(TaskCell<?> task, int owner) {
        int shard = task.ownedShard - 1;
        if (shard < 0) {
            return;
        }
        if (owner >= 0) {
            rows[owner].increment(shard);
        } else {
            otherCompleted.incrementAndGet(shard);
        }
    }

    private long completedIn(int shard) {
        long n = otherCompleted.get(shard);
        for (CompletionRow r : rows) {
            n += r.opaque(shard);
        }
        return n;
    }

    /** @return the number of live tasks (rule 5: exact when quiescent, a snapshot otherwise) */
    public int size() {
        long n = 0;
        for (int i = 0; i < shards.length; i++) {
            n += shards[i].boundOpaque() - completedIn(i);
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
    }

    /**
     * Rule 4: sweeps the owner's shard and the shared shards that hold at least {@value #IDLE_SWEEP_MIN} completed
     * tasks; skips a shard whose lock is busy.
     */
    public void sweepIdle(int owner) {
        if (owner >= 0) {
            sweepIfGarbage(owner);
        }
        for (int i = owners; i < shards.length; i++) {
            sweepIfGarbage(i);
        }
    }

    private void sweepIfGarbage(int i) {
        Shard s = shards[i];
        if (completedIn(i) - s.removedOpaque() >= IDLE_SWEEP_MIN) {
            s.sweepIfFree();
        }
    }

    /** @return the number of tasks linked in all shards, live or completed and not yet swept (for tests) */
    int linked() {
        int n = 0;
        for (Shard s : shards) {
            n += s.linkedLocked();
        }
        return n;
    }

    /** Closes the list to new tasks and returns the tasks alive now (rule 3). Idempotent. */
    public List<TaskCell<?>> close() {
        List<TaskCell<?>> all = new ArrayList<>();
        for (Shard s : shards) {
            s.closeInto(all);
        }
        return all;
    }

    /** Completions counted by the holder of one owner slot, per shard; padded at both ends against false sharing. */
    private static final class CompletionRow {
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
        private static final int PAD = 8;
        private final long[] counts;

        CompletionRow(int shards) {
            counts = new long[shards + 2 * PAD];
        }

        void increment(int shard) {
            int i = PAD + shard;
            SLOT.setOpaque(counts, i, counts[i] + 1);
        }

        long opaque(int shard) {
            return (long) SLOT.getOpaque(counts, PAD + shard);
        }
    }

    /** One list and its lock (rule 1); the lock word shares the cache line of the list it guards. */
    @SuppressWarnings("unused")
    private static final class Shard extends SpinLock {
        private static final VarHandle BOUND;
        private static final VarHandle REMOVED;

        static {
            try {
                BOUND = MethodHandles.lookup().findVarHandle(Shard.class, "bound", long.class);
                REMOVED = MethodHandles.lookup().findVarHandle(Shard.class, "removed", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private TaskCell<?> head;
        /** Tasks linked now, live or completed. */
        private int linked;
        /** What the last sweep left linked. */
        private int afterSweep;
        private boolean closed;
        /** Tasks ever bound here; written under the lock, read opaque by {@link #size}. */
        private long bound;
        /** Completed tasks ever unlinked by sweeps; written under the lock, read opaque. */
        private long removed;
        private long q0, q1, q2, q3, q4, q5, q6;

        boolean bind(TaskCell<?> task, int index) {
            lock();
            try {
                if (closed) {
                    return false;
                }
                if (linked >= 2 * afterSweep + SWEEP_SLACK) {
                    sweepLocked();
                }
                task.ownedShard = index + 1;
                task.nextOwned = head;
                head = task;
                linked++;
                BOUND.setOpaque(this, bound + 1);
                return true;
            } finally {
                unlock();
            }
        }

        long boundOpaque() {
            return (long) BOUND.getOpaque(this);
        }

        long removedOpaque() {
            return (long) REMOVED.getOpaque(this);
        }

        void sweepIfFree() {
            if (!tryLock()) {
                return; // busy: the next park sees the garbage if the holder is not sweeping it already
            }
            try {
                sweepLocked();
            } finally {
                unlock();
            }
        }

        private void sweepLocked() {
            TaskCell<?> prev = null;
            int n = 0;
            for (TaskCell<?> t = head; t != null; ) {
                TaskCell<?> next = t.nextOwned;
                if (t.isFinished()) {
                    t.nextOwned = null;
                    if (prev == null) {
                        head = next;
                    } else {
                        prev.nextOwned = next;
                    }
                } else {
                    prev = t;
                    n++;
                }
                t = next;
            }
            REMOVED.setOpaque(this, removed + (linked - n));
            linked = n;
            afterSweep = n;
        }

        int linkedLocked() {
            lock();
            try {
                return linked;
            } finally {
                unlock();
            }
        }

        void closeInto(List<TaskCell<?>> out) {
            lock();
            try {
                closed = true;
                for (TaskCell<?> t = head; t != null; t = t.nextOwned) {
                    if (!t.isFinished()) {
                        out.add(t);
                    }
                }
            } finally {
                unlock();
            }
        }
    }
}
