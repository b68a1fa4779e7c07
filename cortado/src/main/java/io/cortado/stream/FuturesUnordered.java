package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A set of futures polled concurrently on one task, yielding their values as they complete (Rust's
 * {@code FuturesUnordered}). Each member has its own waker, and a poll polls only the members that were woken, so a
 * set of 10,000 futures costs O(woken) per wake, not O(n).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>A member is in the ready queue at most once: its wake enqueues it only if it moved its flag from false to
 *       true; the poller clears the flag <i>before</i> polling it, so a wake during that poll queues it again.</li>
 *   <li>The set's waker is the one of its latest poll, written (volatile) before any member is polled; a member's
 *       wake reads it after enqueueing.</li>
 *   <li>One poll polls at most the members queued when it began, and stops after a member that woke itself (a
 *       yield or an exhausted budget), so it always returns in bounded time.</li>
 *   <li>{@code pollNext} gives {@code Ready(null)} when the set is empty; more futures may be pushed afterwards.</li>
 *   <li>A member that fails is removed and its failure thrown; the others stay. {@link #cancel()} cancels all.</li>
 * </ol>
 * Guarded by {@code StreamTest} (only woken members are polled, counted) and {@code FuturesUnorderedLincheckTest}
 * (rules 1-3 model checked: members woken from other threads, also during a poll; no lost wake, each value once).
 *
 * @param <T> the value type
 */
public final class FuturesUnordered<T> implements Stream<T> {
    private final ConcurrentLinkedQueue<Member<T>> ready = new ConcurrentLinkedQueue<>();
    private volatile Waker parent;
    private int size;
    private Member<T> all; // every live member, linked for cancel()

    /** An empty set. */
    public FuturesUnordered() {
    }

    /**
     * Adds a future; it is polled at the set's next poll.
     *
     * @param future the future
     */
    public void push(Future<? extends T> future) {
        java.util.Objects.requireNonNull(future, "future");
        Member<T> m = new Member<>(this, future);
        m.nextLive = all;
        if (all != null) {
            all.prevLive = m;
        }
        all = m;
        size++;
        m.wake(); // queue it for its first poll (and wake the set's task if it is waiting)
    }

    /** @return how many futures are in the set (not yet completed) */
    public int size() {
        return size;
    }

    /** @return whether the set holds no future */
    public boolean isEmpty() {
        return size == 0;
    }

    @Override
    public Poll<T> pollNext(Context cx) {
        Waker w = cx.waker();
        Waker p = parent;
        if (p == null || !p.willWake(w)) {
            parent = w; // rule 2
        }
        if (size == 0) {
            return Poll.ready(null); // rule 4
        }
        int budget = ready.size(); // rule 3: only what was queued when the poll began
        for (int i = 0; i < budget; i++) {
            Member<T> m = ready.poll();
            if (m == null) {
                break;
            }
            if (m.future == null) {
                continue; // completed or cancelled since it was queued
            }
            m.flag.set(false); // rule 1: before the poll
            m.parentCx = cx;
            Poll<? extends T> r;
            try {
                r = m.future.poll(m);
            } catch (RuntimeException | Error e) {
                remove(m); // rule 5
                throw e;
            } finally {
                m.parentCx = null;
            }
            if (r.isReady()) {
                remove(m);
                return Poll.ready(r.value());
            }
            if (m.flag.get()) {
                break; // it woke itself: leave the rest for the next poll (rule 3)
            }
        }
        return Poll.pending();
    }

    private void remove(Member<T> m) {
        m.future = null;
        if (m.prevLive != null) {
            m.prevLive.nextLive = m.nextLive;
        } else {
            all = m.nextLive;
        }
        if (m.nextLive != null) {
            m.nextLive.prevLive = m.prevLive;
        }
        m.prevLive = null;
        m.nextLive = null;
        size--;
    }

    /** Cancels every future in the set and empties it. */
    @Override
    public void cancel() {
        for (Member<T> m = all; m != null; ) {
            Member<T> next = m.nextLive;
            Future<? extends T> f = m.future;
            remove(m);
            if (f != null) {
                f.cancel();
            }
            m = next;
        }
        ready.clear();
        parent = null;
    }

    /** A member: its future, its waker and its context (which spends the set's task budget). */
    private static final class Member<T> extends io.cortado.internal.future.ChildWaker {
        final FuturesUnordered<T> set;
        Future<? extends T> future;
        Member<T> prevLive;
        Member<T> nextLive;

        Member(FuturesUnordered<T> set, Future<? extends T> future) {
            this.set = set;
            this.future = future;
        }

        @Override
        protected void enqueue() {
            set.ready.add(this);
        }

        @Override
        protected Waker parentWaker() {
            return set.parent;
        }
    }
}
