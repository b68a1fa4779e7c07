package io.cortado;

import io.cortado.internal.RuntimeContext;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A set of tasks whose outputs are taken in completion order; structured concurrency with try-with-resources.
 *
 * <pre>{@code
 * try (JoinSet<Integer> set = new JoinSet<>()) {
 *     for (int i = 0; i < 10; i++) set.spawn(work(i));
 *     while (!set.isEmpty()) total += await(set.joinNext());
 * } // anything still running is aborted here
 * }</pre>
 *
 * <h2>How it works</h2>
 * Each member's join waker is an {@code Entry} of the set; when a member completes, its entry is queued on
 * {@link #finished} (thread-safe) and the task awaiting {@link #joinNext()} is woken. {@code joinNext} takes
 * entries from that queue only, so it is O(1) per result however many members there are.
 *
 * <p>A join set belongs to one task: spawn, join and abort from that task (or thread). Members run anywhere.
 *
 * <p>Guarded by {@code JoinSetLincheckTest} (joinNext, abort and close racing completions on other threads).
 *
 * @param <T> the output type of the members
 */
public final class JoinSet<T> implements AutoCloseable {
    private final Handle handle;
    /** In spawn order (entries use identity equality), so aborting all is done in the same order every run. */
    private final Set<Entry<T>> members = new LinkedHashSet<>();
    private final ConcurrentLinkedQueue<Entry<T>> finished = new ConcurrentLinkedQueue<>();
    private volatile Waker joiner;
    /** What a task in {@link #joinNext()} shows in a task dump (racy reads: a dump runs on another thread). */
    private final Object joinWait = new Object() {
        @Override
        public String toString() {
            return "JoinSet.joinNext[members=" + members.size() + ", none finished]";
        }
    };

    /** A set that spawns onto the current runtime (found when {@link #spawn} is called). */
    public JoinSet() {
        this.handle = null;
    }

    /**
     * @param handle the runtime the members are spawned onto
     */
    public JoinSet(Handle handle) {
        this.handle = Objects.requireNonNull(handle, "handle");
    }

    /**
     * Spawns {@code future} as a member of this set.
     *
     * @param future the task's future
     * @return an abort handle for the member
     * @throws IllegalStateException if the set has no handle and no runtime runs this thread
     */
    public AbortHandle spawn(Future<? extends T> future) {
        Objects.requireNonNull(future, "future");
        Handle h = handle != null ? handle : Handle.current();
        @SuppressWarnings("unchecked")
        JoinHandle<T> jh = (JoinHandle<T>) h.spawn(future);
        Entry<T> e = new Entry<>(this, jh);
        members.add(e);
        try {
            // Registers the entry as join waker; a member that is already done is queued at once.
            jh.poll(Context.of(e));
        } catch (JoinException alreadyFailed) {
            e.wake();
            return jh.abortHandle();
        }
        if (jh.isFinished()) {
            e.wake();
        }
        return jh.abortHandle();
    }

    /**
     * Waits for the next member to finish, in completion order, and removes it from the set.
     *
     * <p>The future completes with the member's output, or throws the member's {@link JoinException} (failed or
     * cancelled); the set stays usable either way. On an empty set it fails with {@link NoSuchElementException}:
     * loop with {@code while (!set.isEmpty())}.
     *
     * <p><b>Cancel safety:</b> cancel safe. A cancelled {@code joinNext} removes no member, so no output is lost.
     *
     * @return the future of the next output
     */
    public Future<T> joinNext() {
        return this::pollNext;
    }

    private Poll<T> pollNext(Context cx) {
        for (; ; ) {
            Entry<T> e = finished.poll();
            if (e == null) {
                if (members.isEmpty()) {
                    throw new NoSuchElementException("joinNext() on an empty JoinSet: check isEmpty() first");
                }
                Waker w = cx.waker();
                Waker current = joiner;
                if (current == null || !current.willWake(w)) {
                    joiner = w;
                }
                e = finished.poll();
                if (e == null) {
                    cx.waitingOn(joinWait);
                    return Poll.pending();
                }
            }
            if (!members.contains(e)) {
                continue; // a member detached by detachAll/close that completed late: not ours any more
            }
            if (!cx.consumeBudget()) {
                finished.add(e); // put it back: nothing is lost, order among the finished is not promised
                cx.waker().wake();
                return Poll.pending();
            }
            members.remove(e);
            joiner = null;
            return Poll.ready(e.handle.poll(Context.of(Waker.noop())).value());
        }
    }

    /**
     * Waits for every member and returns their outputs in completion order; the first failure is rethrown
     * (the remaining members stay in the set).
     *
     * <p><b>Cancel safety:</b> not cancel safe: outputs already collected are lost.
     *
     * @return the future of all outputs
     */
    public Future<List<T>> joinAll() {
        List<T> out = new ArrayList<>();
        Future<T> next = joinNext();
        return cx -> {
            while (!isEmpty()) {
                Poll<T> p = next.poll(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                out.add(p.value());
            }
            return Poll.ready(out);
        };
    }

    /** @return the number of members not yet taken by {@link #joinNext()} */
    public int size() {
        return members.size();
    }

    /** @return whether the set has no member left to join */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** Aborts every member; they stay in the set, and {@code joinNext} reports them as cancelled. */
    public void abortAll() {
        for (Entry<T> e : List.copyOf(members)) {
            e.handle.abort();
        }
    }

    /** Removes every member without aborting it: they run on, detached. */
    public void detachAll() {
        for (Entry<T> e : members) {
            e.handle.cancel();
        }
        members.clear();
        finished.clear();
    }

    /** Aborts every member still in the set and empties the set. */
    @Override
    public void close() {
        abortAll();
        for (Entry<T> e : members) {
            e.handle.cancel();
        }
        members.clear();
        finished.clear();
        joiner = null;
    }

    @Override
    public String toString() {
        return "JoinSet[size=" + members.size() + ", " + (handle != null ? handle : RuntimeContext.currentOrNull())
                + "]";
    }

    /**
     * A member: its handle, and the join waker that queues it when it completes. Only a completion wakes a join
     * waker, and the {@link #queued} flag makes the first wake the only one that queues it, so a member is queued
     * at most once even when {@link #spawn} and the completing thread both report it.
     */
    private static final class Entry<T> implements Waker {
        final JoinSet<T> set;
        final JoinHandle<T> handle;
        private final AtomicBoolean queued = new AtomicBoolean();

        Entry(JoinSet<T> set, JoinHandle<T> handle) {
            this.set = set;
            this.handle = handle;
        }

        @Override
        public void wake() {
            if (queued.get() || !queued.compareAndSet(false, true)) {
                return;
            }
            set.finished.add(this);
            Waker w = set.joiner;
            if (w != null) {
                w.wake();
            }
        }
    }
}
