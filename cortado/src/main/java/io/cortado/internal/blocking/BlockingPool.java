package io.cortado.internal.blocking;

import io.cortado.Handle;
import io.cortado.internal.RuntimeContext;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pool that runs {@code spawnBlocking} work, apart from the workers that poll futures.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>At most {@code maxThreads} threads exist. Work submitted while all are busy waits in a FIFO queue.</li>
 *   <li>A new thread is started only when no thread is idle and the bound is not reached, so sequential blocking
 *       calls reuse one thread.</li>
 *   <li>A thread that finds no work for {@code keepAlive} exits.</li>
 *   <li>After {@link #shutdown()} nothing new is accepted; queued work that never started is cancelled (each
 *       blocking task completes as cancelled), idle threads exit at once, running work is finished (a blocking call
 *       cannot be interrupted safely) and {@link #awaitTermination} waits for it with a bound.</li>
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
    private Handle handle;
    private int idle;
    private int nextId;
    private boolean shutdown;

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

    /** @param handle the runtime handle bound on blocking threads (so blocking code can spawn) */
    public void bindHandle(Handle handle) {
        this.handle = handle;
    }

    /**
     * Queues a blocking task (rule 1, 2). After shutdown the task is cancelled instead (rule 4).
     */
    @Override
    public void schedule(TaskCell<?> task) {
        lock.lock();
        try {
            if (!shutdown) {
                queue.addLast(task);
                if (idle > 0) {
                    workAvailable.signal();
                } else if (threads.size() < maxThreads) {
                    startThread();
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        task.shutdown();
    }

    @Override
    public void yieldTask(TaskCell<?> task) {
        // A blocking task's future completes in its first poll; it can only be re-queued by an abort.
        schedule(task);
    }

    @Override
    public void release(TaskCell<?> task) {
    }

    private void startThread() {
        Thread t = Thread.ofPlatform().name(namePrefix + "-blocking-" + nextId++).daemon(true).unstarted(this::work);
        threads.add(t);
        t.start();
    }

    private void work() {
        if (handle == null) {
            loop(); // a pool used on its own (tests): no runtime to bind
        } else {
            RuntimeContext.runWith(handle, this::loop);
        }
    }

    private void loop() {
        for (; ; ) {
            TaskCell<?> task;
            lock.lock();
            try {
                long waitNanos = keepAliveNanos;
                while ((task = queue.pollFirst()) == null) {
                    if (shutdown || waitNanos <= 0) {
                        threads.remove(Thread.currentThread());
                        exited.removeIf(t -> !t.isAlive());
                        exited.add(Thread.currentThread());
                        if (threads.isEmpty()) {
                            terminated.signalAll();
                        }
                        return;
                    }
                    idle++;
                    try {
                        waitNanos = workAvailable.awaitNanos(waitNanos);
                    } catch (InterruptedException e) {
                        // Only shutdown matters here; it signals the condition.
                    } finally {
                        idle--;
                    }
                }
            } finally {
                lock.unlock();
            }
            task.run();
        }
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

    /** @return the number of queued tasks not yet started */
    public int queueDepth() {
        lock.lock();
        try {
            return queue.size();
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
            workAvailable.signalAll();
        } finally {
            lock.unlock();
        }
        for (TaskCell<?> t : dropped) {
            t.shutdown();
        }
    }

    /**
     * Waits until every blocking thread has exited, or the time is up.
     *
     * @param nanos the most to wait
     * @return {@code true} if no blocking thread is left
     */
    public boolean awaitTermination(long nanos) {
        long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
        List<Thread> toJoin;
        boolean interrupted = false;
        lock.lock();
        try {
            long left = nanos;
            while (!threads.isEmpty()) {
                if (left <= 0) {
                    break;
                }
                try {
                    left = terminated.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (!threads.isEmpty()) {
                return false;
            }
            toJoin = new ArrayList<>(exited);
            exited.clear();
        } finally {
            lock.unlock();
        }
        for (Thread t : toJoin) {
            try {
                long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                t.join(ms);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

}
