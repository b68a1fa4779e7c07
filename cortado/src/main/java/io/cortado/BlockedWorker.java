package io.cortado;

import java.time.Duration;
import java.util.List;

/**
 * A report of the blocked-worker watchdog: a worker has been inside one poll for longer than the threshold, so
 * every other task queued on it waits. The usual cause is blocking code (I/O, locks, {@code Thread.sleep}, heavy
 * computation) inside a future; move it to {@link Task#spawnBlocking} or {@link Task#blockInPlace}.
 *
 * @param workerThread the worker thread's name
 * @param taskName     the task's name ({@link Task.Builder#name}), or its description if it has none
 * @param blockedFor   how long the poll had been running when it was seen
 * @param stack        the worker thread's stack at that moment
 */
public record BlockedWorker(String workerThread, String taskName, Duration blockedFor, List<StackTraceElement> stack) {

    /** @return a multi-line, human-readable report */
    public String describe() {
        StringBuilder b = new StringBuilder("Cortado worker ").append(workerThread).append(" has been polling task ")
                .append(taskName).append(" for ").append(blockedFor.toMillis())
                .append(" ms: blocking code inside a future stalls every task on this worker. "
                        + "Move it to Task.spawnBlocking or Task.blockInPlace. Worker stack:");
        for (StackTraceElement e : stack) {
            b.append("\n\tat ").append(e);
        }
        return b.toString();
    }
}
