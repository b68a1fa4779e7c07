package io.cortado.sync;

import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.internal.SpinLock;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * A cancellation signal shared by tasks, in a tree: cancelling a token cancels its children (and theirs), never
 * its parent. Tasks wait for it with {@link #cancelled()}, typically in a select with their work.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The flag and the children are guarded by a {@link SpinLock}; the flag is also volatile for
 *       {@link #isCancelled()}. Once set it stays set.</li>
 *   <li>A token counts as cancelled when it or an ancestor has its flag set, so cancelling a parent cancels the
 *       whole subtree at one instant. Cancel sets the flag, wakes every waiter ({@link Notify#notifyWaiters()}),
 *       then cancels the children outside the lock to wake theirs; every call does that last step, so none returns
 *       before the subtree's waiters are woken. A child made after its parent was cancelled starts cancelled.</li>
 *   <li>A parent holds its children weakly: a child nobody refers to any more is forgotten (its reference is
 *       purged when the list has doubled), so a long-lived parent handing out short-lived children does not grow.
 *       </li>
 *   <li>{@code cancelled()} creates its {@code notified()} future before it reads the flag (Notify rule 3).</li>
 * </ol>
 * Guarded by {@code PrimitivesTest} and {@code OnceCellLincheckTest}.
 */
public final class CancellationToken {
    private final SpinLock lock = new SpinLock();
    private final Notify notify = new Notify();
    /** Weak references to the children (rule 3); cleared ones are purged when the list doubles. */
    private final List<WeakReference<CancellationToken>> children = new ArrayList<>();
    private int purgeAt = 16;
    private volatile boolean cancelled;
    /** The parent, or {@code null}: a token is cancelled when its parent is (rule 2), at the same instant. */
    private final CancellationToken parent;

    /** A new token, not cancelled, with no parent. */
    public CancellationToken() {
        this(null);
    }

    private CancellationToken(CancellationToken parent) {
        this.parent = parent;
    }

    /** @return a new child token: cancelled when this one is (or at once if this one already is) */
    public CancellationToken child() {
        CancellationToken c = new CancellationToken(this);
        lock.lock();
        try {
            if (!cancelled) {
                if (children.size() >= purgeAt) {
                    children.removeIf(r -> r.get() == null);
                    purgeAt = Math.max(16, 2 * children.size());
                }
                children.add(new WeakReference<>(c));
                return c;
            }
        } finally {
            lock.unlock();
        }
        c.cancel();
        return c;
    }

    /** @return whether this token is cancelled: by itself or through an ancestor (the same instant, rule 2) */
    public boolean isCancelled() {
        for (CancellationToken t = this; t != null; t = t.parent) {
            if (t.cancelled) {
                return true;
            }
        }
        return false;
    }

    /**
     * Cancels this token and its descendants (rule 2). Idempotent; every call returns only once the whole subtree is
     * cancelled, even when another thread is cancelling it at the same moment.
     */
    public void cancel() {
        List<CancellationToken> kids = new ArrayList<>();
        boolean first;
        lock.lock();
        try {
            first = !cancelled;
            cancelled = true;
            for (WeakReference<CancellationToken> r : children) {
                CancellationToken k = r.get();
                if (k != null) {
                    kids.add(k);
                }
            }
        } finally {
            lock.unlock();
        }
        if (first) {
            notify.notifyWaiters();
        }
        for (CancellationToken k : kids) {
            k.cancel(); // also when another thread got here first: do not return before the subtree is cancelled
        }
    }

    /**
     * A future that completes when this token is cancelled. <b>Cancel safety:</b> cancelling it has no effect on the
     * token.
     *
     * @return the future
     */
    public Future<Void> cancelled() {
        return new Notify.WaitUntil<>(notify) {
            @Override
            Poll<Void> check() {
                return isCancelled() ? Poll.ready(null) : null;
            }

            @Override
            public String toString() {
                return "CancellationToken.cancelled[" + (isCancelled() ? "cancelled" : "not cancelled")
                        + (parent != null ? ", a child token" : "") + "]";
            }
        };
    }
}
