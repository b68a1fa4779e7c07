package io.cortado.bench.workloads;

/**
 * One runtime under test, implementing the workloads of {@code ../shared/WORKLOADS.md} that it has an idiomatic
 * form for. Each method does one run and returns when the run is complete; the runner times it.
 * A peer without a form of a workload throws {@link UnsupportedOperationException} and is skipped.
 */
public interface Peer extends AutoCloseable {

    /** @return the name printed in the JSON lines */
    String name();

    /** W1: inside the runtime, one task spawns {@code n} tasks returning a small int, awaits all, sums. */
    long spawnMany(int n) throws Exception;

    /** W2: from a plain thread outside the runtime, submit {@code n} tasks; wait until all finished. */
    void spawnRemote(int n) throws Exception;

    /** W3: {@code tasks} tasks each yield {@code yields} times; wait for all. */
    void yieldMany(int tasks, int yields) throws Exception;

    /** W5: a task spawns a child that spawns a child ... {@code depth} deep; the last signals completion. */
    void chainedSpawn(int depth) throws Exception;

    /** W8 part 1: start {@code n} tasks that each wait for something that never happens. */
    void startIdle(int n) throws Exception;

    /** W8 with a one-shot channel (issue 5): {@code n} tasks each await their own one-shot, whose sender lives on. */
    default void startIdleOneshot(int n) throws Exception {
        throw new UnsupportedOperationException("no one-shot channel");
    }

    /** W8 part 2: cancel the idle tasks and wait until they are all gone. */
    void cancelIdle() throws Exception;

    /** W4: {@code pairs} pairs of tasks; each pair does {@code roundTrips} round trips over two capacity-1 channels. */
    default void pingPong(int pairs, int roundTrips) throws Exception {
        throw new UnsupportedOperationException("no channels");
    }

    /**
     * W6 / W6u: {@code producers} tasks send {@code perProducer} ints each into one channel (bounded with
     * {@code capacity}, or unbounded if {@code capacity <= 0}); one consumer task sums them.
     *
     * @return the sum
     */
    default long mpsc(int producers, int perProducer, int capacity) throws Exception {
        throw new UnsupportedOperationException("no channels");
    }

    @Override
    void close() throws Exception;
}
