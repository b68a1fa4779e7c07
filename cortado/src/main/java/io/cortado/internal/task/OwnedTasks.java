package io.cortado.internal.task;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tasks a runtime owns and must cancel at shutdown, kept so that spawning costs one uncontended lock and
 * completing costs no lock and no atomic at all on the thread that spawned the task's neighbours.
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
 *   <li>Each shard's list, {@code closed} flag and counts are guarded by the shard's lock (a CAS-acquired,
 *       release-stored spin lock: one atomic per critical section, and critical sections are a few stores long
 *       except a sweep or a close).</li>
 *   <li>{@link #bind} links a task unless the shard is closed; a task that could not be bound is shut down by the
 *       caller, so a spawn that races with shutdown either lands in a shard (and is cancelled with it) or is
 *       cancelled at once. No task escapes both: {@link #close} sets every shard's closed flag under that shard's
 *       lock, the same lock {@link #bind} checks it under.</li>
 *   <li>{@link #close} returns every task bound before it closed the shard holding it and not complete then;
 *       a complete task needs no cancelling.</li>
 *   <li><b>Bounded garbage.</b> A bind sweeps its shard when the shard holds at least twice as many tasks as the
 *       last sweep left, plus {@value #SWEEP_SLACK}; so sweeping costs O(1) amortised per bind, and a shard never
 *       holds more than about twice its live tasks. A worker about to park calls {@link #sweepIdle}, which sweeps
 *       the shards that grew by more than a quarter since their last sweep, so an idle runtime keeps no more
 *       completed tasks reachable than a quarter of its live ones per shard.</li>
 *   <li><b>Counting.</b> The live count is {@code bound - completed}. Binds are counted under the shard lock.
 *       A completion is counted in the completing owner's own counter (a plain field written only by the thread
 *       that holds that owner slot, read with opaque loads) or, from any other thread, in one shared atomic
 *       counter. The count is exact whenever no spawn or completion is in flight (and the reader has a
 *       happens-before edge to the last of them, e.g. it joined the task or the worker threads).</li>
 *   <li>A task is counted as completed only if it was bound ({@link TaskCell#owned} set under the shard lock
 *       before the task is published).</li>
 * </ol>
 * Guarded by {@code OwnedTasksTest} (binds, sweeps, close racing binds from many threads) and the shutdown tests of
 * the behaviour suite.
 */
public final class OwnedTasks {
    /** Free growth of a shard before it is swept, so tiny shards are not swept on every bind. */
    static final int SWEEP_SLACK = 64;

    private final Shard[] shards;
    private final int owners;
    private final int sharedMask;
    private final OwnerTally[] tallies;
    private final AtomicLong otherCompleted = new AtomicLong();

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
        this.tallies = new OwnerTally[owners];
        for (int i = 0; i < owners; i++) {
            tallies[i] = new OwnerTally();
        }
    }

    /**
     * Links a new task (rule 2).
     *
     * @param task  the task, not yet published to any other thread
     * @param owner the owner slot of the calling thread (its worker index), or {@code -1} if it holds none
     * @return {@code true} if bound; {@code false} if the list is closed (the caller must shut the task down)
     */
    public boolean bind(TaskCell<?> task, int owner) {
        Shard shard = owner >= 0 ? shards[owner] : shards[owners + (ThreadLocalRandom.current().nextInt() & sharedMask)];
        return shard.bind(task);
    }

    /**
     * Counts a task's completion (rules 5, 6); a task that was never bound is ignored. Does not unlink it.
     *
     * @param task  the completed task
     * @param owner the owner slot of the calling thread, or {@code -1}
     */
    public void completed(TaskCell<?> task, int owner) {
        if (!task.owned) {
            return;
        }
        if (owner >= 0) {
            tallies[owner].increment();
        } else {
            otherCompleted.incrementAndGet();
        }
    }

    /** @return the number of live tasks (rule 5: exact when quiescent, a snapshot otherwise) */
    public int size() {
        long n = -otherCompleted.get();
        for (OwnerTally t : tallies) {
            n -= t.opaque();
        }
        for (Shard s : shards) {
            n += s.boundOpaque();
        }
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, n));
    }

    /** Rule 4: sweeps the owner's shard and the shared shards that grew since their last sweep; skips busy ones. */
    public void sweepIdle(int owner) {
        if (owner >= 0) {
            shards[owner].sweepIfGrown();
        }
        for (int i = owners; i < shards.length; i++) {
            shards[i].sweepIfGrown();
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

    /** A completion counter written only by the thread that holds one owner slot; padded against false sharing. */
    @SuppressWarnings("unused")
    private static final class OwnerTally {
        private static final VarHandle COUNT;

        static {
            try {
                COUNT = MethodHandles.lookup().findVarHandle(OwnerTally.class, "count", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long p0, p1, p2, p3, p4, p5, p6;
        private long count;
        private long q0, q1, q2, q3, q4, q5, q6;

        void increment() {
            COUNT.setOpaque(this, count + 1);
        }

        long opaque() {
            return (long) COUNT.getOpaque(this);
        }
    }

    /** One list and its lock (rule 1). */
    @SuppressWarnings("unused")
    private static final class Shard {
        private static final VarHandle LOCK;
        private static final VarHandle BOUND;

        static {
            try {
                var l = MethodHandles.lookup();
                LOCK = l.findVarHandle(Shard.class, "lock", int.class);
                BOUND = l.findVarHandle(Shard.class, "bound", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long p0, p1, p2, p3, p4, p5, p6;
        private int lock;
        private TaskCell<?> head;
        /** Tasks linked now, live or completed. */
        private int linked;
        /** What the last sweep left linked. */
        private int afterSweep;
        private boolean closed;
        /** Tasks ever bound here; written under the lock, read opaque by {@link #size}. */
        private long bound;
        private long q0, q1, q2, q3, q4, q5, q6;

        private void lock() {
            if (!LOCK.compareAndSet(this, 0, 1)) {
                lockSlow();
            }
        }

        private void lockSlow() {
            for (int spins = 0; !LOCK.compareAndSet(this, 0, 1); spins++) {
                if (spins < 64) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the holder may be descheduled, or sweeping a long list
                }
            }
        }

        private boolean tryLock() {
            return LOCK.compareAndSet(this, 0, 1);
        }

        private void unlock() {
            LOCK.setRelease(this, 0);
        }

        boolean bind(TaskCell<?> task) {
            lock();
            try {
                if (closed) {
                    return false;
                }
                if (linked >= 2 * afterSweep + SWEEP_SLACK) {
                    sweepLocked();
                }
                task.owned = true;
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

        void sweepIfGrown() {
            if (linked <= afterSweep + afterSweep / 4 || !tryLock()) {
                return; // a racy pre-check: the next bind or park sees the growth if this one missed it
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
