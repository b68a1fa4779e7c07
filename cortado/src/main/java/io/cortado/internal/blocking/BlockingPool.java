package io.cortado.internal.blocking;

import io.cortado.internal.RuntimeEvents;

import io.cortado.Handle;
import io.cortado.internal.RuntimeContext;
import io.cortado.internal.RuntimeThread;
import io.cortado.internal.Throwables;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool that runs {@code spawnBlocking} work, apart from the threads that poll futures.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>At most {@code maxThreads} threads exist. Work submitted while all are busy waits in a FIFO queue.</li>
 *   <li>A new thread is started only when no thread is idle and the bound is not reached, so sequential blocking
 *       calls reuse one thread. Signalling an idle thread moves it out of {@link #idle} at once (into
 *       {@link #notified}), so two submissions in a row never count on the same idle thread.</li>
 *   <li>A thread that finds no work for {@code keepAlive} exits. A wake-up without a notification is spurious.</li>
 *   <li>After {@link #shutdown()} nothing new is accepted; queued work that never started is cancelled (each
 *       blocking task completes as cancelled), idle threads exit at once, running work is finished (a blocking call
 *       cannot be interrupted safely) and {@link #awaitTermination} waits for it with a bound.</li>
 *   <li>A thread always leaves {@link #threads} when it ends, whatever the work threw; if no thread can be started
 *       at all, the submission fails with {@link RejectedExecutionException} and the task is cancelled.</li>
 * </ol>
 * All state is guarded by {@link #lock}. Guarded by {@code BlockingPoolTest}.
 */
public final class BlockingPool implements Scheduler {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition terminated = lock.newCondition();
    private final ArrayDeque<TaskCell<?>> queue = new ArrayDeque<>();
    private final Set<Thread> threads = new HashSet<>();
    /** Threads that left {@link #threads} but may still be finishing; joined by {@link #awaitTermination}. */
    private final List<Thread> exited = new ArrayList<>();
    private final int maxThreads;
    private final long keepAliveNanos;
    private final String namePrefix;
    private volatile Handle handle;
    /** Threads waiting for work and not yet signalled. */
    private int idle;
    /** Signals sent by {@link #schedule} and not yet consumed by a waiting thread. */
    private int notified;
    private int nextId;
    private boolean shutdown;
    /** Work queued or running: raised under the lock when queued, lowered when it finished running. */
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param maxThreads     the bound on threads
     * @param keepAliveNanos how long an idle thread waits for work before it exits
     * @param namePrefix     thread names are {@code namePrefix + "-blocking-" + n}
     */
    public BlockingPool(int maxThreads, long keepAliveNanos, String namePrefix) {
        this.maxThreads = maxThreads;
        this.keepAliveNanos = keepAliveNanos;
        this.namePrefix = namePrefix;
    }

    /** @return the runtime's thread name prefix, which names it in errors */
    public String namePrefix() {
        return namePrefix;
    }

    /** @param handle the runtime handle bound on blocking threads (so blocking code can spawn) */
    public void bindHandle(Handle handle) {
        this.handle = handle;
    }

    /**
     * Queues a blocking task (rules 1, 2). After shutdown the task is cancelled instead (rule 4).
     *
     * @throws RejectedExecutionException if no thread exists and none can be started (the task is cancelled)
     */
    @Override
    public void schedule(TaskCell<?> task) {
        Throwable startFailure = null;
        lock.lock();
        try {
            if (!shutdown) {
                queue.addLast(task);
                inFlight.incrementAndGet();
                if (idle > 0) {
                    idle--;
                    notified++;
                    workAvailable.signal();
                    return;
                }
                if (threads.size() >= maxThreads) {
                    return;
                }
                startFailure = startThread();
                if (startFailure == null || !threads.isEmpty()) {
                    return; // started, or a running thread will take the task later
                }
                queue.remove(task);
                inFlight.decrementAndGet();
            }
        } finally {
            lock.unlock();
        }
        task.shutdown();
        if (startFailure != null) {
            throw new RejectedExecutionException("cannot start a blocking thread (" + startFailure
                    + "); the blocking task was cancelled", startFailure);
        }
    }

    @Override
    public void yieldTask(TaskCell<?> task) {
        // A blocking task's future completes in its first poll; it can only be re-queued by an abort.
        schedule(task);
    }

    @Override
    public void release(TaskCell<?> task) {
    }

    /** Starts a thread (lock held); returns the failure if the JVM could not start one (rule 5). */
    private Throwable startThread() {
        Thread t = new RuntimeThread(this::work, namePrefix + "-blocking-" + nextId++);
        threads.add(t);
        try {
            t.start();
            return null;
        } catch (OutOfMemoryError | RuntimeException e) {
            threads.remove(t);
            return e;
        }
    }

    private void work() {
        Handle h = handle;
        if (h == null) {
            loop(); // a pool used on its own (tests): no runtime to bind
        } else {
            RuntimeContext.runWith(h, this::loop);
        }
    }

    private void loop() {
        try {
            TaskCell<?> task;
            while ((task = take()) != null) {
                long t0 = RuntimeEvents.pollsTraced() ? System.nanoTime() : 0;
                RuntimeEvents.blockingStarted(task);
                try {
                    task.run();
                    if (t0 != 0) {
                        RuntimeEvents.blockingFinished(task, System.nanoTime() - t0);
                    }
                } catch (Throwable t) {
                    // run() reports a failing future through the task; anything else is a bug worth reporting,
                    // but it must not cost the pool a thread (rule 5).
                    Throwables.reportUncaught(t);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        } finally {
            exit();
        }
    }

    /** Takes the next task, waiting up to the keep-alive (rules 2, 3); {@code null} means: exit. */
    private TaskCell<?> take() {
        lock.lock();
        try {
            for (; ; ) {
                TaskCell<?> task = queue.pollFirst();
                if (task != null) {
                    return task;
                }
                if (shutdown) {
                    return null;
                }
                idle++;
                long waitNanos = keepAliveNanos;
                for (; ; ) {
                    try {
                        waitNanos = workAvailable.awaitNanos(waitNanos);
                    } catch (InterruptedException e) {
                        // Only shutdown and schedule matter here; both signal the condition.
                    }
                    if (notified > 0) {
                        notified--;
                        break; // the signaller already took this thread out of idle; look at the queue again
                    }
                    if (shutdown || waitNanos <= 0) {
                        idle--;
                        return null;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void exit() {
        lock.lock();
        try {
            threads.remove(Thread.currentThread());
            exited.removeIf(t -> !t.isAlive());
            exited.add(Thread.currentThread());
            if (threads.isEmpty()) {
                terminated.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return whether the calling thread is one of this pool's threads */
    public boolean isPoolThread() {
        lock.lock();
        try {
            return threads.contains(Thread.currentThread());
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return whether blocking work is queued or running: a paused clock does not auto-advance then, since that
     * work may be about to wake a task (Tokio's rule)
     */
    public boolean isBusy() {
        return inFlight.get() > 0;
    }

    /** @return blocking jobs queued or running */
    public int inFlight() {
        return inFlight.get();
    }

    /** @return the number of live blocking threads */
    public int threadCount() {
        lock.lock();
        try {
            return threads.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return the number of threads waiting for work */
    public int idleCount() {
        lock.lock();
        try {
            return idle;
        } finally {
            lock.unlock();
        }
    }

    /** Rule 4: stops accepting work, cancels queued work and wakes idle threads so they exit. */
    public void shutdown() {
        ArrayDeque<TaskCell<?>> dropped;
        lock.lock();
        try {
            if (shutdown) {
                return;
            }
            shutdown = true;
            dropped = new ArrayDeque<>(queue);
            queue.clear();
            inFlight.addAndGet(-dropped.size());
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        for (TaskCell<?> t : dropped) {
            t.shutdown();
        }
    }

    /**
     * Waits until every blocking thread has exited (and joins them), or the time is up.
     *
     * @param nanos the most to wait; {@link Long#MAX_VALUE} means no limit
     * @return {@code true} if no blocking thread is left
     */
    public boolean awaitTermination(long nanos) {
        long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
        List<Thread> toJoin;
        boolean interrupted = false;
        lock.lock();
        try {
            while (!threads.isEmpty()) {
                long left = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    terminated.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            toJoin = new ArrayList<>(exited);
            exited.clear();
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        for (Thread t : toJoin) {
            try {
                t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return true;
    }
}
