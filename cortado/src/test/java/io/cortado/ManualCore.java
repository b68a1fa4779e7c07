package io.cortado;

import io.cortado.internal.MetricsData;
import io.cortado.internal.RuntimeCore;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A runtime core for model checks that runs nothing by itself: a spawned task is queued, and the test runs queued
 * tasks one at a time ({@link #runOne}) on whichever thread it chooses. No thread, no selector, no timer, so a
 * Lincheck model check controls every step. A double enqueue of a task fails. Everything else is unsupported.
 * Public for the model checks of other packages (a publishing task of {@code FlowAdapters}).
 */
@SuppressWarnings("exports") // a test class: it implements the internal core interfaces
public final class ManualCore implements RuntimeCore, Scheduler {
    private final ConcurrentLinkedQueue<TaskCell<?>> queue = new ConcurrentLinkedQueue<>();
    private final Handle handle = new Handle(this);
    private final java.util.List<TaskCell<?>> spawned = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final java.util.concurrent.atomic.AtomicInteger schedules = new java.util.concurrent.atomic.AtomicInteger();

    /** A core with nothing queued. */
    public ManualCore() {
    }

    /** @return how often a task was queued (spawns, wakes of an idle task, yields) */
    public int schedules() {
        return schedules.get();
    }

    /** @return a handle whose spawns queue here */
    public Handle handle() {
        return handle;
    }

    /** Runs the next queued task; {@code false} if none is queued. */
    public boolean runOne() {
        TaskCell<?> t = queue.poll();
        if (t == null) {
            return false;
        }
        t.run();
        return true;
    }

    /** Runs queued tasks until none is left (at most {@code limit}); returns how many ran. */
    public int runAll(int limit) {
        int n = 0;
        while (n < limit && runOne()) {
            n++;
        }
        return n;
    }

    /** @return every task spawned so far, in order */
    public List<TaskCell<?>> spawned() {
        return List.copyOf(spawned);
    }

    @Override
    public <T> JoinHandle<T> spawn(Future<T> future, String name, Priority priority) {
        TaskCell<T> t = new TaskCell<>(future, this);
        spawned.add(t);
        schedule(t); // as a spawn does: a new task starts notified and queued
        return t;
    }

    @Override
    public void schedule(TaskCell<?> task) {
        if (queue.contains(task)) {
            throw new AssertionError("task queued twice: " + task);
        }
        schedules.incrementAndGet();
        queue.add(task);
    }

    @Override
    public void yieldTask(TaskCell<?> task) {
        schedule(task);
    }

    @Override
    public void release(TaskCell<?> task) {
    }

    @Override
    public <T> JoinHandle<T> spawnBlocking(Callable<? extends T> work) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T> T blockOn(Future<T> future) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T> T blockInPlace(Callable<? extends T> work) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean shutdown(long nanos) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public int aliveTasks() {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.cortado.internal.time.TimeDriver timeDriver() {
        throw new UnsupportedOperationException();
    }

    @Override
    public io.cortado.internal.io.IoDriver ioDriver() {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<TaskCell<?>> liveTasks() {
        return List.of();
    }

    @Override
    public java.time.Duration sinceLastPoll(TaskCell<?> task) {
        return null;
    }

    @Override
    public MetricsData metrics() {
        throw new UnsupportedOperationException();
    }

    @Override
    public String flavor() {
        return "manual";
    }
}
