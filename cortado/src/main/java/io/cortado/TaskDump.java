package io.cortado;

import java.time.Duration;
import java.util.List;

/**
 * Every live task of a runtime at one moment ({@link Handle#dump()}): the JVM's {@code jstack}, for tasks. Taken
 * without stopping the runtime, so each entry is a racy but consistent-enough snapshot of its task.
 *
 * @param tasks the live tasks, in no particular order
 */
public record TaskDump(List<Task> tasks) {

    /**
     * One live task.
     *
     * @param id        its process-unique id
     * @param name      its name (or its future's class)
     * @param priority  its priority class
     * @param state         "running" (being polled now), "scheduled" (woken, waiting for a worker) or "idle"
     *                      (waiting)
     * @param sinceLastPoll how long ago its last poll began, to about a millisecond (for a running task: how long it
     *                      has been running), or {@code null} if it was never polled, or if it is scheduled on a
     *                      runtime that times polls (its stamp then holds the wake time)
     * @param waitingOn     what its last poll returned Pending on, where the leaf future said (a timer, a channel, a
     *                      socket, another task), or {@code null}
     * @param spawnedAt     the line that spawned it ({@code Class.method(File.java:42)}), if the runtime captures
     *                      spawn locations, else {@code null}
     */
    public record Task(long id, String name, Priority priority, String state, Duration sinceLastPoll,
                       String waitingOn, String spawnedAt) {
    }

    /** @return a copy that cannot be modified */
    public TaskDump {
        tasks = List.copyOf(tasks);
    }

    /** @return the dump in a readable form, one task per line */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("Cortado task dump: ").append(tasks.size()).append(" live tasks\n");
        for (Task t : tasks) {
            b.append(String.format("  #%-6d %-9s %-8s %s", t.id(), t.state(), t.priority(), t.name()));
            if (t.sinceLastPoll() != null) {
                b.append(t.state().equals("running") ? "  running for " : "  last polled ")
                        .append(t.sinceLastPoll().toMillis()).append(t.state().equals("running") ? " ms" : " ms ago");
            }
            if (t.waitingOn() != null) {
                b.append("  waiting on ").append(t.waitingOn());
            }
            if (t.spawnedAt() != null) {
                b.append("  spawned at ").append(t.spawnedAt());
            }
            b.append('\n');
        }
        return b.toString();
    }
}
