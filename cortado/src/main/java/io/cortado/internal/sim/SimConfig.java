package io.cortado.internal.sim;

/**
 * How to build a deterministic runtime: one thread, a paused clock that jumps to the next timer when nothing can
 * run, a scheduler that picks the next task with a seeded generator, blocking work run inline on that thread (no
 * pool), and the simulation's network and spawn hook.
 *
 * @param seed       the scheduler's seed: the same seed makes the same choices
 * @param net        the simulated network
 * @param spawnHook  told of every spawn
 * @param namePrefix the thread name prefix (the runtime starts no threads of its own; kept for reports)
 */
public record SimConfig(long seed, SimNet net, SpawnHook spawnHook, String namePrefix) {
}
