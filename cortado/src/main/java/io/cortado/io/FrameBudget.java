package io.cortado.io;

import io.cortado.internal.Checks;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cap on the heap that partially received frames may take across many connections: pass one budget to the
 * {@link BufReader}s (or {@link Framed}s) of a listener or a runtime, and 30 peers each announcing the largest frame
 * their codec allows cannot together make the process buffer more than the budget.
 *
 * <p>What is counted: a reader buffers up to its initial capacity without asking (a fixed cost per connection); to
 * grow its buffer beyond it, for a frame that does not fit, it reserves the extra bytes here first. A reservation
 * that would take the total over {@link #maxBytes()} fails that reader's frame with a
 * {@link FrameBudgetExceededException} (the reader drops its bytes; close that connection), and the others go on.
 * A reader returns its share when its buffer shrinks back to the initial capacity (once the large frame was taken
 * and little is left buffered), when it fails, when {@link BufReader#release()} is called, and, for a reader that
 * was simply dropped in mid-frame, when it has been garbage-collected (noticed at the next reservation).
 *
 * <p>Thread-safe: the readers sharing it may run on any workers.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>{@code reserved} is the sum of the {@code held} counts of the leases not yet expunged. It grows only by a
 *       CAS that keeps it at most {@code maxBytes}, so it never exceeds the cap.</li>
 *   <li>A lease belongs to one reader and is changed only by the task that owns that reader (one at a time):
 *       {@code held} has a single writer, and is volatile so the expunging thread reads its last value.</li>
 *   <li>A lease is a phantom reference to its reader, kept reachable by {@code leases}. When the reader becomes
 *       unreachable, the GC enqueues the lease; every reservation first expunges the queue, returning each such
 *       lease's {@code held} once (the queue hands a reference out once, and nobody can change an unreachable
 *       reader's lease any more).</li>
 * </ol>
 *
 * <p>Guarded by {@code FrameBudgetTest}.
 */
public final class FrameBudget {
    private final long maxBytes;
    private final AtomicLong reserved = new AtomicLong();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
    /** Keeps the leases themselves reachable until their reader is collected (rule 3). */
    private final Set<Lease> leases = ConcurrentHashMap.newKeySet();

    /**
     * @param maxBytes the most bytes that the readers sharing this budget may hold, together, beyond their initial
     *                 buffers; at least 1
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public FrameBudget(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes : " + maxBytes + " (expected: > 0)");
        }
        this.maxBytes = maxBytes;
    }

    /** @return the cap given at construction */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return the bytes the readers sharing this budget hold now, beyond their initial buffers */
    public long reserved() {
        expunge();
        return reserved.get();
    }

    /** @return a new, empty lease for {@code reader} */
    Lease lease(Object reader) {
        Lease lease = new Lease(this, reader);
        leases.add(lease);
        return lease;
    }

    private void expunge() {
        for (Reference<?> r; (r = collected.poll()) != null; ) {
            Lease lease = (Lease) r;
            leases.remove(lease);
            reserved.addAndGet(-lease.held);
        }
    }

    private boolean tryReserve(long n) {
        expunge();
        for (long r = reserved.get(); ; ) {
            if (r + n > maxBytes) {
                return false;
            }
            long witness = reserved.compareAndExchange(r, r + n);
            if (witness == r) {
                return true;
            }
            r = witness;
        }
    }

    /** One reader's share of a budget (rules 2 and 3). */
    static final class Lease extends PhantomReference<Object> {
        private final FrameBudget budget;
        private volatile long held;

        private Lease(FrameBudget budget, Object reader) {
            super(reader, budget.collected);
            this.budget = budget;
        }

        /** Reserves {@code n} more bytes. @throws FrameBudgetExceededException if the budget has not that many left */
        void reserve(long n) throws FrameBudgetExceededException {
            if (!budget.tryReserve(n)) {
                throw new FrameBudgetExceededException("a partially received frame needs " + n
                        + " more bytes of buffer, but the readers sharing this frame budget of " + budget.maxBytes
                        + " bytes already hold " + budget.reserved.get() + " (this one " + held + ")");
            }
            held += n; // rule 2: one writer
        }

        /** Returns every byte held. */
        void release() {
            long h = held;
            if (h != 0) {
                held = 0;
                budget.reserved.addAndGet(-h);
            }
        }

        /** @return the bytes held */
        long held() {
            return held;
        }
    }
}
