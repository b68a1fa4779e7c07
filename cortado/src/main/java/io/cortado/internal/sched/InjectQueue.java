package io.cortado.internal.sched;

import io.cortado.Poll;
import io.cortado.internal.SpinLock;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The multi-thread scheduler's global queue: an intrusive FIFO linked through {@link TaskCell}'s own link field,
 * so pushing allocates nothing. Producers never lock: a push is one atomic exchange on the tail (Vyukov's intrusive
 * multi-producer queue); consumers (workers) take turns under a {@link SpinLock} and take batches, so a burst of
 * remote spawns costs each producer one exchange and each worker one lock per batch.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The list runs from {@code head} to {@code tail} through {@code nextInject}; a permanent {@link #stub} node
 *       keeps it non-empty, so a producer always has a predecessor to link from.</li>
 *   <li><b>Push.</b> A producer clears its node's link (plain: the node is not published yet), swaps it into
 *       {@code tail} (volatile exchange: the linearization point), then links the old tail to it with a release
 *       store. Between those two steps the node is in the queue but not yet reachable from {@code head}.</li>
 *   <li><b>Pop.</b> Only the holder of {@link #consumers} moves {@code head}. It skips the stub; a node is taken when
 *       its successor is known (read with acquire, pairing with rule 2's release). The last node is taken by first
 *       pushing the stub behind it. A node whose successor link is still in flight (rule 2) is waited for: the
 *       producer is between two instructions.</li>
 *   <li><b>Empty.</b> {@link #isEmpty} is {@code tail == stub && head == stub}, both volatile reads: after a push's
 *       exchange the tail is not the stub until the stub is pushed again behind that node, and then the head is not
 *       the stub until the node is taken. So a push that completed before {@code isEmpty} is seen; a spurious
 *       "not empty" only costs a look. This is what the parking re-check (Idle rule 3) relies on.</li>
 *   <li>A task is in at most one run queue at a time (rule 2 of {@link TaskCell}), so its single link field is never
 *       needed twice; it is cleared when the task is taken.</li>
 *   <li><b>Depth.</b> {@link #depth} counts the nodes from {@code head} under {@link #consumers}: with the lock
 *       held the head cannot move and no node between it and the tail is unlinked, so the walk is exact except for
 *       pushes whose link is still in flight (rule 2), where it stops. The stub is not counted. Metrics only, and
 *       paid by the reader: pushes and takes do nothing for it.</li>
 * </ol>
 * Guarded by {@code InjectQueueTest} (FIFO, batches, producers racing two consumers) and
 * {@code InjectQueueLincheckTest} (linearizability of push, pushBatch, pop, popBatch and isEmpty).
 */
final class InjectQueue {
    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            var l = MethodHandles.lookup();
            HEAD = l.findVarHandle(InjectQueue.class, "head", TaskCell.class);
            TAIL = l.findVarHandle(InjectQueue.class, "tail", TaskCell.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Never scheduled: the stub is never run. */
    private static final Scheduler NO_SCHEDULER = new Scheduler() {
        @Override
        public void schedule(TaskCell<?> task) {
            throw new AssertionError("the inject queue's stub is never scheduled");
        }

        @Override
        public void yieldTask(TaskCell<?> task) {
            throw new AssertionError("the inject queue's stub is never scheduled");
        }

        @Override
        public void release(TaskCell<?> task) {
        }
    };

    private final TaskCell<?> stub = new TaskCell<>(cx -> Poll.pending(), NO_SCHEDULER);
    private final SpinLock consumers = new SpinLock();
    /** Moved only under {@link #consumers}; read volatile by {@link #isEmpty}. */
    @SuppressWarnings("unused")
    private volatile TaskCell<?> head = stub;
    private volatile TaskCell<?> tail = stub;
    /** Padding: producers hammer {@link #tail}; keep it off the line of the next object. */
    @SuppressWarnings("unused")
    private long p0, p1, p2, p3, p4, p5, p6;

    /** Rule 2. */
    void push(TaskCell<?> task) {
        task.setNextInjectPlain(null);
        TaskCell<?> prev = (TaskCell<?>) TAIL.getAndSet(this, task);
        prev.setNextInjectRelease(task);
    }

    /** Appends {@code items[0..n)} in order with one exchange (rule 2 for a chain). */
    void pushBatch(Object[] items, int n) {
        if (n == 0) {
            return;
        }
        TaskCell<?> first = (TaskCell<?>) items[0];
        TaskCell<?> last = first;
        for (int i = 1; i < n; i++) {
            TaskCell<?> t = (TaskCell<?>) items[i];
            last.setNextInjectPlain(t);
            last = t;
        }
        last.setNextInjectPlain(null);
        TaskCell<?> prev = (TaskCell<?>) TAIL.getAndSet(this, last);
        prev.setNextInjectRelease(first);
    }

    /** @return the oldest task, or {@code null} if the queue is empty */
    TaskCell<?> pop() {
        if (isEmpty()) {
            return null;
        }
        consumers.lock();
        try {
            return take();
        } finally {
            consumers.unlock();
        }
    }

    /**
     * Pops up to {@code max} tasks, oldest first, into {@code out[0..)} under one lock: a prefix of the queue as it
     * was when the batch began (tasks pushed during the batch stay for the next pop).
     *
     * @return how many were popped
     */
    int popBatch(TaskCell<?>[] out, int max) {
        if (isEmpty()) {
            return 0;
        }
        consumers.lock();
        try {
            // Only what was in the queue when the batch began (rule 3): one linearization point for the batch.
            TaskCell<?> last = (TaskCell<?>) TAIL.getVolatile(this);
            int n = 0;
            while (n < max && !(last == stub && HEAD.get(this) == stub)) {
                TaskCell<?> t = take();
                if (t == null) {
                    break;
                }
                out[n++] = t;
                if (t == last) {
                    break;
                }
            }
            return n;
        } finally {
            consumers.unlock();
        }
    }

    /** Rule 3; the caller holds {@link #consumers}. */
    private TaskCell<?> take() {
        TaskCell<?> h = (TaskCell<?>) HEAD.get(this);
        TaskCell<?> next = h.nextInjectAcquire();
        if (h == stub) {
            if (next == null) {
                if (TAIL.getVolatile(this) == stub) {
                    return null; // empty
                }
                next = awaitLink(stub);
            }
            HEAD.setRelease(this, next);
            h = next;
            next = h.nextInjectAcquire();
        }
        if (next == null) {
            if (TAIL.getVolatile(this) != h) {
                next = awaitLink(h); // a producer swapped the tail and is about to link h to its node
            } else {
                push(stub); // h is the last node: put the stub behind it so h can be taken
                next = awaitLink(h);
            }
        }
        HEAD.setRelease(this, next);
        h.setNextInjectPlain(null);
        return h;
    }

    /** Waits for the in-flight link out of {@code node} (rule 3): the producer is between two instructions. */
    private static TaskCell<?> awaitLink(TaskCell<?> node) {
        TaskCell<?> next;
        for (int spins = 0; (next = node.nextInjectAcquire()) == null; spins++) {
            if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the producer was descheduled between its exchange and its link
            }
        }
        return next;
    }

    /** @return tasks in the queue now (rule 6: for metrics; O(depth), under the consumers' lock) */
    int depth() {
        consumers.lock();
        try {
            int n = 0;
            for (TaskCell<?> t = (TaskCell<?>) HEAD.get(this); t != null; t = t.nextInjectAcquire()) {
                if (t != stub) {
                    n++;
                }
            }
            return n;
        } finally {
            consumers.unlock();
        }
    }

    /** Rule 4. */
    boolean isEmpty() {
        return TAIL.getVolatile(this) == stub && HEAD.getVolatile(this) == stub;
    }

    /** Drops every task (at shutdown, after the workers stopped). */
    void clear() {
        consumers.lock();
        try {
            while (take() != null) {
                // drop
            }
        } finally {
            consumers.unlock();
        }
    }
}
