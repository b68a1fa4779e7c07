package io.cortado;

import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A set of thread-confined tasks (Tokio's {@code LocalSet} and {@code spawn_local}): every task spawned into it is
 * polled only on the one thread that drives the set, so a local task may hold state that is not thread-safe
 * (a {@code HashMap}, a parser, a JDBC connection bound to a thread ...).
 *
 * <pre>{@code
 * try (LocalSet local = new LocalSet()) {
 *     rt.blockOn(local.runUntil(Futures.lazy(() -> {
 *         var cache = new HashMap<String, String>();                // not thread-safe: fine here
 *         Task.spawnLocal(serveFromCache(cache, requests));          // runs on this thread only
 *         return Task.spawn(fetchElsewhere()).then(v -> ...);        // ordinary tasks still run on any worker
 *     }).then(f -> f)));
 * }
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>One thread.</b> The set belongs to the first thread that spawns into it or polls it; polling it or
 *       spawning into it from another thread fails with an {@link IllegalStateException}. Drive it with
 *       {@code blockOn(local.runUntil(future))} (or {@code blockOn(local)}) on that thread. Other threads and
 *       ordinary tasks reach local tasks through channels, or by waking them (a wake is thread-safe).</li>
 *   <li><b>Driving.</b> Each poll of the set (or of a {@link #runUntil} future) runs up to {@value #RUN_BATCH}
 *       ready local tasks on the polling thread, with the set bound as the current one (for
 *       {@link Task#spawnLocal}), then yields to the runtime (waking itself if more are ready). A wake from another
 *       thread queues the task on a thread-safe queue and wakes whoever drives the set: it publishes the task,
 *       then reads the driver's waker; the driver publishes its waker, then drains the queue (no lost wake-up).</li>
 *   <li><b>Completion.</b> As a future, the set completes when all its tasks have completed.</li>
 *   <li><b>Close.</b> {@link #close()} (owner thread) cancels every unfinished local task on the calling thread: its
 *       future's {@code cancel()} runs and its {@link JoinHandle} completes as cancelled; spawning afterwards
 *       fails. A set that is abandoned without being closed leaves its tasks pending for ever: close it
 *       (try-with-resources).</li>
 * </ol>
 * Local tasks may spawn ordinary tasks ({@link Task#spawn}) and await them, use timers, sockets and channels, and
 * be aborted from any thread. Guarded by {@code LocalSetTest}.
 */
public final class LocalSet implements Future<Void>, AutoCloseable {
    /** Local tasks run per poll of the set before it yields to its runtime. */
    public static final int RUN_BATCH = 64;
    private static final ScopedValue<LocalSet> CURRENT = ScopedValue.newInstance();

    private final ArrayDeque<TaskCell<?>> runQueue = new ArrayDeque<>(); // owner only
    private final ConcurrentLinkedQueue<TaskCell<?>> remote = new ConcurrentLinkedQueue<>();
    private final Set<TaskCell<?>> alive = ConcurrentHashMap.newKeySet();
    private final LocalScheduler scheduler = new LocalScheduler();
    private volatile Thread owner;
    /** The waker of whoever drives the set (rule 2). */
    private volatile Waker driver;
    private volatile boolean closed;

    /** Creates an empty set, owned by the first thread that uses it. */
    public LocalSet() {
    }

    /**
     * @return the set being driven on this thread
     * @throws IllegalStateException if no set is being driven here
     */
    static LocalSet current() {
        if (!CURRENT.isBound()) {
            throw new IllegalStateException("spawnLocal needs a LocalSet driven by this thread: create one and run "
                    + "your code inside it, e.g. try (LocalSet local = new LocalSet()) { rt.blockOn(local.runUntil("
                    + "future)); }, or spawn with localSet.spawnLocal(future) directly. Local tasks run on the one "
                    + "thread that drives their set; use Task.spawn for tasks that may run on any worker");
        }
        return CURRENT.get();
    }

    /**
     * Spawns {@code future} as a local task of this set (rule 1: on the owner thread only).
     *
     * @return its join handle (awaitable from any task, abortable from any thread)
     * @throws IllegalStateException if called from another thread than the owner, or after {@link #close()}
     */
    public <T> JoinHandle<T> spawnLocal(Future<T> future) {
        Objects.requireNonNull(future, "future");
        claim("spawnLocal");
        if (closed) {
            throw new IllegalStateException("this LocalSet is closed: it takes no new tasks");
        }
        TaskCell<T> task = new TaskCell<>(future, scheduler);
        alive.add(task);
        scheduler.schedule(task);
        return task;
    }

    /** @return the number of local tasks not yet completed */
    public int size() {
        return alive.size();
    }

    /**
     * Drives the set's tasks and {@code future} together on the polling thread, until {@code future} completes
     * (rule 2). Local tasks that are still running then stay in the set, to be driven again or closed.
     *
     * <p><b>Cancel safety:</b> cancelling it cancels {@code future} only; the local tasks stay in the set.
     *
     * @return a future of {@code future}'s value
     */
    public <T> Future<T> runUntil(Future<T> future) {
        Objects.requireNonNull(future, "future");
        LocalSet set = this;
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                return set.drive(cx, future);
            }

            @Override
            public void cancel() {
                future.cancel();
            }
        };
    }

    /** Rule 3: completes when every local task has completed. */
    @Override
    public Poll<Void> poll(Context cx) {
        drive(cx, null);
        return alive.isEmpty() ? Poll.ready(null) : Poll.pending();
    }

    private <T> Poll<T> drive(Context cx, Future<T> main) {
        claim("poll");
        driver = cx.waker();
        return ScopedValue.where(CURRENT, this).call(() -> {
            Poll<T> p = main == null ? Poll.pending() : main.poll(cx);
            runBatch(cx);
            return p;
        });
    }

    private void runBatch(Context cx) {
        for (int i = 0; i < RUN_BATCH; i++) {
            TaskCell<?> t = runQueue.poll();
            if (t == null) {
                for (TaskCell<?> r; (r = remote.poll()) != null; ) {
                    runQueue.add(r);
                }
                t = runQueue.poll();
                if (t == null) {
                    return;
                }
            }
            t.run();
        }
        if (!runQueue.isEmpty() || !remote.isEmpty()) {
            cx.waker().wake(); // more are ready: yield to the runtime, then come back (rule 2)
        }
    }

    /** Rule 1: the first user becomes the owner; anyone else is refused. */
    private void claim(String what) {
        Thread me = Thread.currentThread();
        Thread o = owner;
        if (o == me) {
            return;
        }
        if (o == null) {
            synchronized (this) {
                if (owner == null) {
                    owner = me;
                    return;
                }
                o = owner;
            }
            if (o == me) {
                return;
            }
        }
        throw new IllegalStateException("LocalSet." + what + " on thread " + me.getName() + ", but the set belongs to "
                + "thread " + o.getName() + ": a local set is driven by one thread (run it with blockOn(local."
                + "runUntil(...)) there, not with Task.spawn); send work to its tasks through a channel instead");
    }

    /** Rule 4. */
    @Override
    public void close() {
        if (owner != null) {
            claim("close");
        }
        closed = true;
        List<TaskCell<?>> tasks = new ArrayList<>(alive);
        for (TaskCell<?> t : tasks) {
            t.shutdown();
        }
        runQueue.clear();
        remote.clear();
    }

    @Override
    public String toString() {
        Thread o = owner;
        return "LocalSet[tasks=" + alive.size() + (o == null ? "" : ", thread=" + o.getName())
                + (closed ? ", closed]" : "]");
    }

    /** The set as its tasks' scheduler (rule 2). */
    private final class LocalScheduler implements Scheduler {
        @Override
        public void schedule(TaskCell<?> task) {
            if (Thread.currentThread() == owner) {
                runQueue.add(task);
                Waker d = driver;
                if (d != null && !(CURRENT.isBound() && CURRENT.get() == LocalSet.this)) {
                    d.wake(); // woken by owner-thread code outside the set's own poll (e.g. another task's poll)
                }
                return;
            }
            remote.add(task);
            Waker d = driver;
            if (d != null) {
                d.wake();
            }
        }

        @Override
        public void yieldTask(TaskCell<?> task) {
            runQueue.add(task);
        }

        @Override
        public void release(TaskCell<?> task) {
            alive.remove(task);
        }
    }
}
