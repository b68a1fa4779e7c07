package io.cortado;

/**
 * The priority class of a task (Tokio has none). Control-plane tasks (health checks, heartbeats, admission
 * control, configuration) keep a low wake-to-run latency while data-plane tasks saturate every worker.
 *
 * <h2>Guarantees</h2>
 * <ol>
 *   <li>A woken {@link #CONTROL} task is run by the next worker that picks a task from its queues, before any
 *       data-plane task queued anywhere; an idle worker is woken for it. Its wait is therefore bounded by the
 *       data-plane poll in progress plus at most three tasks the running one just woke (the worker's LIFO slot),
 *       not by the length of the run queues.</li>
 *   <li>No class starves: after 16 control polls in a row a worker runs one data-plane task, and a control task
 *       that never waits is forced to yield by the budget like any other.</li>
 * </ol>
 * Guarded by {@code MultiThreadFeaturesTest} (control before queued data tasks, no starvation) and
 * {@code CurrentThreadTaskBehaviourTest} (control tasks beyond the streak cap), and measured by W10 in
 * {@code cortado-bench}.
 */
public enum Priority {
    /** Latency-sensitive control-plane work: runs before data-plane work. */
    CONTROL,
    /** Throughput work; the default. */
    DATA
}
