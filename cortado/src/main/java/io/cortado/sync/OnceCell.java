package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value set once, possibly by an async initialiser that many tasks race to run: {@link #getOrInit} runs the
 * initialiser of exactly one caller at a time; the others wait and get its value. If that initialiser fails or is
 * cancelled, the next waiter runs its own (Tokio's {@code OnceCell}).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>The value is set with one CAS (from {@code null}) and read with a volatile read; once set it never changes.
 *       {@link #trySet} is that CAS, so it fails exactly when a value is set.</li>
 *   <li>The right to initialise is one permit of a fair {@link Semaphore}; its holder sets the value and closes the
 *       semaphore, so every waiter's acquire fails and it reads the value. A holder that fails gives the permit
 *       back: the next waiter tries.</li>
 * </ol>
 * Guarded by {@code PrimitivesTest} and {@code OnceCellLincheckTest}.
 *
 * @param <T> the value type
 */
public final class OnceCell<T> {
    private static final java.lang.invoke.VarHandle VALUE;

    static {
        try {
            VALUE = java.lang.invoke.MethodHandles.lookup().findVarHandle(OnceCell.class, "value", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Semaphore initializing = new Semaphore(1);
    /** What a caller waiting for another caller's initialiser shows in a task dump. */
    private final Described initWait = new Described(() -> "OnceCell.getOrInit: another caller's initialiser runs");
    @SuppressWarnings("unused") // through VALUE
    private volatile T value;

    /** An empty cell. */
    public OnceCell() {
    }

    /** @return the value, or {@code null} if not set yet */
    public T get() {
        return value;
    }

    /**
     * Sets the value if the cell is empty; an initialiser running meanwhile loses (its result is dropped).
     *
     * @param v the value, not {@code null}
     * @return whether it was set (false: a value was set already)
     */
    public boolean trySet(T v) {
        Objects.requireNonNull(v, "v");
        if (!VALUE.compareAndSet(this, null, v)) {
            return false;
        }
        initializing.close(); // rule 2: waiters read the value; a running initialiser's result is dropped
        return true;
    }

    /**
     * The value, initialising it with {@code init} if nobody has. <b>Cancel safety:</b> cancelling a waiting caller
     * loses nothing; cancelling the caller whose initialiser runs cancels that initialiser and lets the next waiter
     * run its own.
     *
     * @param init makes the initialiser future; called at most once, and only if this caller gets to initialise
     * @return a future of the value
     */
    public Future<T> getOrInit(Supplier<? extends Future<? extends T>> init) {
        Objects.requireNonNull(init, "init");
        return new Future<>() {
            private Future<Semaphore.Permit> acquiring;
            private Semaphore.Permit permit;
            private Future<? extends T> running;

            @Override
            public Poll<T> poll(Context cx) {
                T v = value;
                if (v != null) {
                    return Poll.ready(v);
                }
                if (permit == null) {
                    if (acquiring == null) {
                        acquiring = initializing.acquire(1, initWait);
                    }
                    Poll<Semaphore.Permit> p;
                    try {
                        p = acquiring.poll(cx);
                    } catch (ClosedException set) {
                        return Poll.ready(value); // rule 2: someone else set it
                    }
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    permit = p.value();
                    if (value != null) {
                        permit.close();
                        return Poll.ready(value);
                    }
                    running = Objects.requireNonNull(init.get(), "init returned null");
                }
                Poll<? extends T> r;
                try {
                    r = running.poll(cx);
                } catch (RuntimeException | Error e) {
                    permit.close(); // rule 2: the next waiter tries
                    permit = null;
                    throw e;
                }
                if (!r.isReady()) {
                    return Poll.pending();
                }
                T result = Objects.requireNonNull(r.value(), "the initialiser completed with null");
                permit.forget();
                if (!VALUE.compareAndSet(OnceCell.this, null, result)) {
                    return Poll.ready(value); // a trySet won meanwhile: its value stands
                }
                initializing.close();
                return Poll.ready(result);
            }

            @Override
            public void cancel() {
                if (running != null && value == null) {
                    running.cancel();
                }
                if (permit != null && value == null) {
                    permit.close();
                } else if (acquiring != null && permit == null) {
                    acquiring.cancel();
                }
            }
        };
    }
}
