package io.cortado.internal;

import io.cortado.internal.task.TaskCell;
import io.cortado.trace.Level;
import io.cortado.trace.Tracer;
import io.cortado.trace.Tracing;

/**
 * The runtime's own tracing events, under the target {@value #TARGET}: every method starts with the level comparison
 * of Tracing rule 1, so with tracing off each costs a load and a branch. Per-poll and per-wake events are TRACE;
 * a task's spawn, completion and cancellation DEBUG; its failure DEBUG (its join handle carries the error); a
 * blocked worker WARN.
 */
public final class RuntimeEvents {
    /** The target of the runtime's events. */
    public static final String TARGET = "cortado.runtime";
    private static final Tracer RT = Tracing.tracer(TARGET);

    private RuntimeEvents() {
    }

    /** @return whether per-poll events are on (the caller then times the poll) */
    public static boolean pollsTraced() {
        return Tracing.isOn(Level.TRACE);
    }

    public static void spawned(TaskCell<?> t) {
        if (Tracing.isOn(Level.DEBUG)) {
            RT.debug("task spawned", "task", t.id(), "name", t.name(), "priority", t.priority());
        }
    }

    public static void polled(TaskCell<?> t, long nanos, boolean ready) {
        RT.trace("task polled", "task", t.id(), "name", t.name(), "ns", nanos, "ready", ready);
    }

    public static void woken(TaskCell<?> t) {
        if (Tracing.isOn(Level.TRACE)) {
            RT.trace("task woken", "task", t.id(), "by", Thread.currentThread().getName());
        }
    }

    public static void completed(TaskCell<?> t) {
        if (Tracing.isOn(Level.DEBUG)) {
            RT.debug("task completed", "task", t.id(), "name", t.name());
        }
    }

    public static void failed(TaskCell<?> t, Throwable cause) {
        if (Tracing.isOn(Level.DEBUG)) {
            RT.debug("task failed", "task", t.id(), "name", t.name(), "error", cause.toString());
        }
    }

    public static void cancelled(TaskCell<?> t) {
        if (Tracing.isOn(Level.DEBUG)) {
            RT.debug("task cancelled", "task", t.id(), "name", t.name());
        }
    }

    public static void parked(int worker) {
        if (Tracing.isOn(Level.TRACE)) {
            RT.trace("worker parked", "worker", worker);
        }
    }

    public static void unparked(int worker) {
        if (Tracing.isOn(Level.TRACE)) {
            RT.trace("worker unparked", "worker", worker);
        }
    }

    public static void blockingStarted(TaskCell<?> t) {
        if (Tracing.isOn(Level.TRACE)) {
            RT.trace("blocking work started", "task", t.id());
        }
    }

    public static void blockingFinished(TaskCell<?> t, long nanos) {
        RT.trace("blocking work finished", "task", t.id(), "ns", nanos);
    }

    public static void blockedWorker(String worker, String task, long millis, String report) {
        if (Tracing.isOn(Level.WARN)) {
            RT.warn("worker blocked", "worker", worker, "task", task, "ms", millis, "report", report);
        }
    }
}
