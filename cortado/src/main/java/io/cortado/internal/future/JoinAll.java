package io.cortado.internal.future;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code Futures.joinAll(list)}: any number of futures of one type, polled concurrently on the joining task.
 *
 * <h2>Only the woken are polled</h2>
 * Each child is polled with its own waker ({@link Child}). A child's wake enqueues it (once: a flag guards the
 * queue) and wakes the joining task; a poll of the join drains the queue and polls only those children, so a join
 * of 10,000 futures costs O(woken) per wake, not O(n).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>A child is in {@link #woken} at most once: {@link Child#wake} enqueues it only if it moved its flag from
 *       false to true; the poller clears the flag <i>before</i> polling the child, so a wake during that poll
 *       enqueues it again (no lost wake-up).</li>
 *   <li>{@link #parent} is the waker of the latest poll of the join, written before the children are polled; a
 *       child wake reads it after enqueueing (both volatile), so the latest parent is woken.</li>
 *   <li>On failure of one child the others are cancelled and the failure is rethrown.</li>
 *   <li>A poll polls only the children queued when it began, so a child that wakes itself (a yield, an exhausted
 *       budget) cannot keep one poll of the join going forever.</li>
 *   <li>When a child wakes itself during its poll, the join stops polling and leaves the rest of the batch queued
 *       (their flags still set): once the task's budget is spent every further child would only yield too, and
 *       polling them all would make a join of n finished tasks cost O(n^2 / budget).</li>
 * </ol>
 */
public final class JoinAll<T> implements Future<List<T>> {
    private final Future<? extends T>[] children;
    private final Child[] wakers;
    private final Object[] results;
    private final ConcurrentLinkedQueue<Child> woken = new ConcurrentLinkedQueue<>();
    private volatile Waker parent;
    private int remaining;
    private boolean started;

    @SuppressWarnings({"unchecked", "rawtypes"})
    public JoinAll(List<? extends Future<? extends T>> futures) {
        this.children = futures.toArray(new Future[0]);
        this.wakers = new Child[children.length];
        this.results = new Object[children.length];
        this.remaining = children.length;
    }

    @Override
    public Poll<List<T>> poll(Context cx) {
        Waker w = cx.waker();
        Waker p = parent;
        if (p == null || !p.willWake(w)) {
            parent = w;
        }
        if (!started) {
            started = true;
            boolean yielded = false;
            for (int i = 0; i < children.length; i++) {
                Child child = new Child(this, i);
                wakers[i] = child;
                if (yielded) {
                    child.flag.set(true); // never polled yet: queue it for the next poll (rule 5)
                    woken.add(child);
                    continue;
                }
                pollChild(i, cx);
                yielded = children[i] != null && child.flag.get();
            }
        } else {
            // A marker ends this poll's share of the queue: children re-queued during the poll come after it and wait
            // for the next poll (rule 4). A marker left behind by a poll that stopped early is skipped later.
            Child marker = new Child(this, -1);
            woken.add(marker);
            Child c;
            while ((c = woken.poll()) != null) {
                if (c.index < 0) {
                    if (c == marker) {
                        break;
                    }
                    continue;
                }
                c.flag.set(false);
                if (children[c.index] != null) {
                    pollChild(c.index, cx);
                    if (c.flag.get()) {
                        break; // it yielded (a yield, or the budget ran out): the rest stays queued (rule 5)
                    }
                }
            }
        }
        if (remaining > 0) {
            return Poll.pending();
        }
        parent = null;
        @SuppressWarnings("unchecked")
        List<T> list = (List<T>) Collections.unmodifiableList(new ArrayList<>(Arrays.asList(results)));
        return Poll.ready(list);
    }

    private void pollChild(int i, Context cx) {
        Child child = wakers[i];
        child.parentCx = cx;
        Poll<? extends T> p;
        try {
            p = children[i].poll(child);
        } catch (RuntimeException | Error e) {
            children[i] = null;
            cancel();
            throw e;
        } finally {
            child.parentCx = null;
        }
        if (p.isReady()) {
            results[i] = p.value();
            children[i] = null;
            wakers[i] = null;
            remaining--;
        }
    }

    @Override
    public void cancel() {
        parent = null;
        woken.clear();
        for (int i = 0; i < children.length; i++) {
            Future<? extends T> f = children[i];
            if (f != null) {
                children[i] = null;
                f.cancel();
            }
        }
    }

    /** A child's waker and context (the context spends the joining task's budget). */
    private static final class Child extends ChildWaker {
        final JoinAll<?> join;
        final int index;

        Child(JoinAll<?> join, int index) {
            this.join = join;
            this.index = index;
        }

        @Override
        protected void enqueue() {
            join.woken.add(this);
        }

        @Override
        protected Waker parentWaker() {
            return join.parent;
        }
    }
}
