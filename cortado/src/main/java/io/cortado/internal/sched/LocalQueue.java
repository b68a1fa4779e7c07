package io.cortado.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A worker's bounded run queue: the owner pushes at the tail and pops at the head (FIFO); other workers steal
 * half of it at once. The design is Tokio's {@code queue.rs}, re-derived for the Java Memory Model.
 *
 * <h2>Layout</h2>
 * <pre>
 *   buffer: capacity slots, index = position &amp; mask
 *   head  : one long = (steal &lt;&lt; 32) | real      (two wrapping 32-bit positions, CAS-ed together)
 *   tail  : int, written only by the owner
 *
 *        steal        real                     tail
 *          |  being     |   queued, poppable     |   free ...
 *          |  copied    |                        |
 * </pre>
 * {@code real} is the next item to pop or steal. {@code steal} lags behind it while a thief copies the items
 * between them; when no steal is in progress {@code steal == real}.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>Only the owner writes {@code tail} and the free slots. It writes a slot plainly, then publishes it with a
 *       release store of {@code tail}; thieves read {@code tail} with acquire before reading slots.</li>
 *   <li>The owner may reuse a slot only when it is behind {@code steal}: a push checks
 *       {@code tail - steal < capacity} against a fresh (acquire) read of {@code head}. So a slot a thief is still
 *       copying is never overwritten.</li>
 *   <li>Pop and steal claim items by CAS on the whole head word, so an item is taken by exactly one of them.</li>
 *   <li>A thief claims by moving only {@code real} forward (one CAS), copies the claimed items, then sets
 *       {@code steal = real} (a second CAS loop, because the owner may pop meanwhile). While a steal is in
 *       progress ({@code steal != real}) no other thief starts, and the owner's overflow moves nothing: it hands
 *       the single task to the overflow sink instead.</li>
 *   <li>When the queue is full and no steal is in progress, a push moves half of the queue plus the new item to
 *       the overflow sink (the global inject queue) in one claim, so a burst of spawns never fails and never
 *       loses a task.</li>
 *   <li>Positions are 32-bit and wrap; all distances are computed with wrapping int subtraction, which is exact
 *       because no distance exceeds {@code capacity}.</li>
 * </ol>
 * Guarded by {@code LocalQueueLincheckTest} (linearizability of push/pop by the owner against steals from other
 * threads), {@code LocalQueueStressTest} (millions of items; each taken exactly once, also across position
 * wrap-around) and the jcstress litmus tests {@code SchedulerProtocols.PopVsSteal} and {@code OverflowVsSteal}
 * (rules 2 to 6: pops against a steal's claim and commit, a push into a full queue against a steal).
 *
 * @param <E> the item type (tasks, in the runtime)
 */
public final class LocalQueue<E> {
    /** Capacity of the runtime's queues: a power of two. */
    public static final int CAPACITY = 256;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalQueue.class, "head", long.class);
            TAIL = l.findVarHandle(LocalQueue.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Where a full queue sends its overflow (the runtime's inject queue). */
    public interface Overflow<E> {
        /**
         * Takes {@code n} items in queue order.
         *
         * @param items the items, {@code items[0..n)}
         * @param n     how many
         */
        void pushBatch(Object[] items, int n);
    }

    /** {@link #CAPACITY}, or a smaller power of two in tests (so that they reach overflow). */
    private final int capacity;
    private final int mask;
    private final int half;
    private final Object[] buffer;
    @SuppressWarnings("unused")
    private volatile long head;
    @SuppressWarnings("unused")
    private volatile int tail;

    /** Creates an empty queue whose positions start at {@code start} (tests start near the wrap-around). */
    public LocalQueue(int start) {
        this(start, CAPACITY);
    }

    /**
     * Creates an empty queue of {@code capacity} slots whose positions start at {@code start}: for tests, which use
     * a small capacity to reach a full queue. A thief's queue must have the capacity of the queues it steals from.
     *
     * @param capacity a power of two, at least 2
     */
    LocalQueue(int start, int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity : " + capacity + " (expected: a power of two, at least 2)");
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.half = capacity / 2;
        this.buffer = new Object[capacity];
        HEAD.setRelease(this, pack(start, start));
        TAIL.setRelease(this, start);
    }

    /** Creates an empty queue. */
    public LocalQueue() {
        this(0);
    }

    private static long pack(int steal, int real) {
        return ((long) steal << 32) | (real & 0xFFFF_FFFFL);
    }

    private static int steal(long head) {
        return (int) (head >>> 32);
    }

    private static int real(long head) {
        return (int) head;
    }

    private long headAcquire() {
        return (long) HEAD.getAcquire(this);
    }

    private boolean casHead(long expected, long next) {
        return HEAD.compareAndSet(this, expected, next);
    }

    private int tailPlain() {
        return (int) TAIL.get(this);
    }

    private int tailAcquire() {
        return (int) TAIL.getAcquire(this);
    }

    private void setTailRelease(int t) {
        TAIL.setRelease(this, t);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Owner side

    /**
     * Pushes an item at the tail (rules 1, 2, 5). Owner only.
     *
     * @param item     the item
     * @param overflow where half the queue goes when it is full
     */
    public void push(E item, Overflow<E> overflow) {
        for (; ; ) {
            long h = headAcquire();
            int steal = steal(h);
            int t = tailPlain();
            if (t - steal < capacity) {
                buffer[t & mask] = item;
                setTailRelease(t + 1);
                return;
            }
            if (steal != real(h)) {
                // a thief is copying; it will free room soon, but do not wait: this one item overflows
                overflow.pushBatch(new Object[]{item}, 1);
                return;
            }
            if (pushOverflow(item, real(h), overflow)) {
                return;
            }
            // a thief claimed items meanwhile: there may be room now
        }
    }

    /** Claims half the items from the head for the overflow sink, then hands them over with {@code item} (rule 5). */
    private boolean pushOverflow(E item, int real, Overflow<E> overflow) {
        long expected = pack(real, real);
        long next = pack(real + half, real + half);
        if (!casHead(expected, next)) {
            return false;
        }
        Object[] batch = new Object[half + 1];
        for (int i = 0; i < half; i++) {
            int idx = (real + i) & mask;
            batch[i] = buffer[idx];
            buffer[idx] = null;
        }
        batch[half] = item;
        overflow.pushBatch(batch, half + 1);
        return true;
    }

    /**
     * Pops the item at the head (rule 3). Owner only.
     *
     * @return the item, or {@code null} if the queue is empty
     */
    @SuppressWarnings("unchecked")
    public E pop() {
        long h = headAcquire();
        for (; ; ) {
            int steal = steal(h);
            int real = real(h);
            if (real == tailPlain()) {
                return null;
            }
            int nextReal = real + 1;
            long next = steal == real ? pack(nextReal, nextReal) : pack(steal, nextReal);
            if (casHead(h, next)) {
                int idx = real & mask;
                Object item = buffer[idx];
                buffer[idx] = null; // a thief copies only [steal, real): this slot is ours alone; clear it for the GC
                return (E) item;
            }
            h = headAcquire();
        }
    }

    /** @return the number of items in the queue (a snapshot; exact for the owner when no steal runs) */
    public int size() {
        long h = headAcquire();
        return tailAcquire() - real(h);
    }

    /** @return whether the queue looks empty (a snapshot) */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** @return how many more items the owner can push before the queue is full */
    public int remainingCapacity() {
        return capacity - (tailPlain() - steal(headAcquire()));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Thief side

    /**
     * Steals half of this queue into {@code dst} (rule 4) and returns one stolen item to run at once. Called by the
     * owner of {@code dst}; {@code dst} must be a different queue of the same capacity.
     *
     * @param dst the thief's own queue
     * @return a stolen item, or {@code null} if nothing was stolen
     */
    @SuppressWarnings("unchecked")
    public E stealInto(LocalQueue<E> dst) {
        int dstTail = dst.tailPlain();
        int dstSteal = steal(dst.headAcquire());
        if (dstTail - dstSteal > half) {
            return null; // the thief has plenty; its own queue might not fit half of ours
        }
        int n = claimAndCopy(dst, dstTail);
        if (n == 0) {
            return null;
        }
        n--; // hand the last one back to run directly
        int retPos = dstTail + n;
        Object ret = dst.buffer[retPos & mask];
        dst.buffer[retPos & mask] = null;
        if (n > 0) {
            dst.setTailRelease(dstTail + n);
        }
        return (E) ret;
    }

    private int claimAndCopy(LocalQueue<E> dst, int dstTail) {
        long prev = headAcquire();
        long next;
        int n;
        for (; ; ) {
            int srcSteal = steal(prev);
            int srcReal = real(prev);
            if (srcSteal != srcReal) {
                return 0; // another thief is at work
            }
            int srcTail = tailAcquire();
            n = srcTail - srcReal;
            n -= n / 2;
            if (n <= 0) {
                return 0;
            }
            int stealTo = srcReal + n;
            next = pack(srcSteal, stealTo);
            if (casHead(prev, next)) {
                break;
            }
            prev = headAcquire();
        }
        int first = steal(next);
        for (int i = 0; i < n; i++) {
            int srcIdx = (first + i) & mask;
            dst.buffer[(dstTail + i) & mask] = buffer[srcIdx];
            buffer[srcIdx] = null;
        }
        // commit: steal catches up with real (which the owner may have moved by popping)
        long cur = next;
        for (; ; ) {
            int real = real(cur);
            if (casHead(cur, pack(real, real))) {
                return n;
            }
            cur = headAcquire();
        }
    }
}
