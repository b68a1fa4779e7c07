package io.cortado.internal.task;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scheduler for tests of {@link TaskCell}: a FIFO run queue that fails on a double enqueue (rule 2 of the task
 * protocol), and counts of schedules, yields and releases.
 */
final class RecordingScheduler implements Scheduler {
    final ConcurrentLinkedQueue<TaskCell<?>> queue = new ConcurrentLinkedQueue<>();
    final AtomicInteger schedules = new AtomicInteger();
    final AtomicInteger yields = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();

    @Override
    public void schedule(TaskCell<?> task) {
        schedules.incrementAndGet();
        enqueue(task);
    }

    @Override
    public void yieldTask(TaskCell<?> task) {
        yields.incrementAndGet();
        enqueue(task);
    }

    private void enqueue(TaskCell<?> task) {
        if (queue.contains(task)) {
            throw new AssertionError("task queued twice: " + task);
        }
        queue.add(task);
    }

    @Override
    public void release(TaskCell<?> task) {
        releases.incrementAndGet();
    }

    /** Runs the next queued task; {@code false} if the queue was empty. */
    boolean runOne() {
        TaskCell<?> t = queue.poll();
        if (t == null) {
            return false;
        }
        t.run();
        return true;
    }
}
