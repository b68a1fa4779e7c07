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
 *   <li><b>Bounded garbage, bounded pauses.</b> Sweeping is incremental: a pass walks the list from a cursor a
 *       few nodes at a time ({@value #BIND_SWEEP_STEPS} per bind, at most {@value #IDLE_SWEEP_STEPS} per park), so
 *       no spawn and no park walks a long list at once. Each time a shard has grown by half (and at least
 *       {@value #SWEEP_SLACK}) since its last pass, a bind looks at its garbage count (rule 5) and starts a pass if
 *       at least half of what is linked is garbage: a pass removes at least as many tasks as it keeps, sweeping
 *       costs O(1) per bind, and a shard holds a small multiple of its live tasks. A worker about to park calls
 *       {@link #sweepIdle}, which advances the passes of its own shard and the shared shards that hold at least
 *       {@value #IDLE_SWEEP_MIN} completed tasks making up at least half of what is linked; while work is left, a
 *       parked worker wakes every millisecond to sweep {@value #IDLE_DEEP_SWEEP_STEPS} more, so an idle runtime
 *       soon keeps fewer completed tasks than that, or than its live ones, reachable per shard (a million
 *       cancelled tasks are dropped within about 150 ms).</li>
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
    /** Nodes a parking worker's sweep visits at most, over all shards (rule 4): a bounded pause. */
    public static final int IDLE_SWEEP_STEPS = 256;
    /** Nodes an idle worker's sweep visits per millisecond while garbage is left (rule 4). */
    public static final int IDLE_DEEP_SWEEP_STEPS = 8192;
    /** Nodes each bind visits while its shard's sweep pass is under way (rule 4). */
    static final int BIND_SWEEP_STEPS = 4;

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
     * Rule 4: advances the sweep of the owner's shard and of the shared shards that hold at least
     * {@value #IDLE_SWEEP_MIN} completed tasks, visiting at most {@code steps} tasks; skips a shard whose lock is
     * busy.
     *
     * @param owner the caller's owner slot, or -1
     * @param steps the most tasks to visit ({@link #IDLE_SWEEP_STEPS} as a worker goes to park,
     *              {@link #IDLE_DEEP_SWEEP_STEPS} once it has been idle a while)
     * @return whether sweeping work is left: the caller should come back (a worker parks with a short time-out)
     */
    public boolean sweepIdle(int owner, int steps) {
        int budget = steps;
        if (owner >= 0) {
            budget -= sweepIfGarbage(owner, budget);
        }
        for (int i = owners; i < shards.length && budget > 0; i++) {
            budget -= sweepIfGarbage(i, budget);
        }
        if (budget <= 0) {
            return true;
        }
        if (owner >= 0 && shards[owner].sweepingRacy()) {
            return true;
        }
        for (int i = owners; i < shards.length; i++) {
            if (shards[i].sweepingRacy()) {
                return true;
            }
        }
        return false;
    }

    private int sweepIfGarbage(int i, int budget) {
        Shard s = shards[i];
        long garbage = completedIn(i) - s.removedOpaque();
        if (s.sweepingRacy() || garbage >= IDLE_SWEEP_MIN && 2 * garbage >= s.linkedRacy()) { // a pass goes on
            return s.sweepIfFree(budget);
        }
        return 0;
    }

    /** @return the number of tasks linked in all shards, live or completed and not yet swept (for tests) */
    int linked() {
        int n = 0;
        for (Shard s : shards) {
            n += s.linkedLocked();
        }
        return n;
    }

    /** @return the live tasks now (a snapshot, for dumps) */
    public List<TaskCell<?>> snapshot() {
        List<TaskCell<?>> all = new ArrayList<>();
        for (Shard s : shards) {
            s.liveInto(all);
        }
        return all;
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
    private final class Shard extends SpinLock {
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
        /** The size at which a bind next looks at the garbage count (rule 4). */
        private int checkAt = SWEEP_SLACK;
        /** A sweep pass is under way: each bind and each parking worker's look advances it (rule 4). */
        private boolean sweeping;
        /** The node after which the sweep pass continues; {@code null}: at the head. */
        private TaskCell<?> cursor;
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
                if (sweeping) {
                    sweepSome(BIND_SWEEP_STEPS);
                } else if (linked >= checkAt) {
                    // Rule 4: sweep only when at least half of what is linked is garbage, so a pass never walks
                    // a long list of live tasks for little; look again after growing by half.
                    if (2 * (completedIn(index) - removed) >= linked) {
                        sweeping = true;
                        sweepSome(BIND_SWEEP_STEPS);
                    } else {
                        checkAt = linked + Math.max(SWEEP_SLACK, linked / 2);
                    }
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

        /** @return whether a sweep pass is under way, read without the lock (a heuristic's snapshot) */
        boolean sweepingRacy() {
            return sweeping;
        }

        /** @return the linked count, read without the lock (a heuristic's snapshot) */
        int linkedRacy() {
            return linked;
        }

        long removedOpaque() {
            return (long) REMOVED.getOpaque(this);
        }

        /** @return how many nodes it visited (0 if the lock was busy) */
        int sweepIfFree(int steps) {
            if (!tryLock()) {
                return 0; // busy: the next park sees the garbage if the holder is not sweeping it already
            }
            try {
                sweeping = true;
                return sweepSome(steps);
            } finally {
                unlock();
            }
        }

        /**
         * Rule 4's incremental sweep: walks up to {@code steps} nodes from the cursor, unlinking completed tasks.
         * Binds link at the head, before the cursor, and only sweeps unlink, so the cursor stays valid. A pass that
         * reaches the end ends the sweeping and schedules the next look.
         *
         * @return the nodes visited
         */
        private int sweepSome(int steps) {
            TaskCell<?> prev = cursor;
            TaskCell<?> t = prev == null ? head : prev.nextOwned;
            int visited = 0;
            int unlinked = 0;
            while (t != null && visited < steps) {
                TaskCell<?> next = t.nextOwned;
                if (t.isFinished()) {
                    t.nextOwned = null;
                    if (prev == null) {
                        head = next;
                    } else {
                        prev.nextOwned = next;
                    }
                    unlinked++;
                } else {
                    prev = t;
                }
                t = next;
                visited++;
            }
            linked -= unlinked;
            REMOVED.setOpaque(this, removed + unlinked);
            if (t == null) { // the pass is complete
                cursor = null;
                sweeping = false;
                checkAt = linked + Math.max(SWEEP_SLACK, linked / 2);
            } else {
                cursor = prev;
            }
            return visited;
        }

        int linkedLocked() {
            lock();
            try {
                return linked;
            } finally {
                unlock();
            }
        }

        void liveInto(List<TaskCell<?>> out) {
            lock();
            try {
                for (TaskCell<?> t = head; t != null; t = t.nextOwned) {
                    if (!t.isFinished()) {
                        out.add(t);
                    }
                }
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
