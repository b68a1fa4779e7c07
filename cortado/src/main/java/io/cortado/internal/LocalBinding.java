package io.cortado.internal;

/**
 * One task-local binding ({@link io.cortado.TaskLocal}) in the chain of bindings current on a thread: a scoped
 * future owns one node and links it in front of the chain for the extent of each of its polls.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The chain is per thread: a field of {@link RuntimeThread} on runtime threads (a load), a {@link ThreadLocal}
 *       elsewhere (a {@code blockOn} caller). Only the thread itself reads or writes it.</li>
 *   <li>A scoped poll saves the current head, sets its node's {@code parent} to it, makes the node the head, polls,
 *       and restores the saved head in a {@code finally}: the binding is visible exactly during its polls and
 *       nothing stays on the thread afterwards. A node is reused by every poll of its future (no allocation); a
 *       future is polled by one thread at a time and never re-entrantly, so its node is in at most one chain.</li>
 *   <li>A lookup walks from the head and takes the first node of its key: inner scopes shadow outer ones.</li>
 * </ol>
 */
public final class LocalBinding {
    private static final ThreadLocal<LocalBinding> OTHER_THREADS = new ThreadLocal<>();

    /** The task-local this node binds (compared by identity). */
    public final Object key;
    /** The bound value. */
    public final Object value;
    /** The rest of the chain while this node is linked in (rule 2). */
    public LocalBinding parent;

    /**
     * @param key   the task-local
     * @param value its value
     */
    public LocalBinding(Object key, Object value) {
        this.key = key;
        this.value = value;
    }

    /** @return the head of this thread's chain, or {@code null} (rule 1) */
    public static LocalBinding head() {
        return Thread.currentThread() instanceof RuntimeThread rt ? rt.taskLocals : OTHER_THREADS.get();
    }

    /** Makes {@code head} this thread's chain (rule 1). */
    public static void setHead(LocalBinding head) {
        if (Thread.currentThread() instanceof RuntimeThread rt) {
            rt.taskLocals = head;
        } else {
            OTHER_THREADS.set(head); // set(null), not remove(): removing and re-adding the entry allocates each time
        }
    }

    /**
     * Rule 2, first half: links {@code node} in front of this thread's chain.
     *
     * @return the previous head, to pass to {@link #unlink}
     */
    public static LocalBinding link(LocalBinding node) {
        LocalBinding saved = head();
        node.parent = saved;
        setHead(node);
        return saved;
    }

    /** Rule 2, second half: takes {@code node} out again and restores {@code saved} as the head. */
    public static void unlink(LocalBinding node, LocalBinding saved) {
        node.parent = null;
        setHead(saved);
    }

    /** @return the node of {@code key} nearest the head of this thread's chain, or {@code null} (rule 3) */
    public static LocalBinding find(Object key) {
        for (LocalBinding b = head(); b != null; b = b.parent) {
            if (b.key == key) {
                return b;
            }
        }
        return null;
    }
}
