package io.cortado;

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
     * @param state     "running" (being polled now), "scheduled" (woken, waiting for a worker) or "idle" (waiting)
     * @param waitingOn what its last poll returned Pending on, where the leaf future said (a timer, a channel, a
     *                  socket, another task), or {@code null}
     */
    public record Task(long id, String name, Priority priority, String state, String waitingOn) {
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
            if (t.waitingOn() != null) {
                b.append("  waiting on ").append(t.waitingOn());
            }
            b.append('\n');
        }
        return b.toString();
    }
}
