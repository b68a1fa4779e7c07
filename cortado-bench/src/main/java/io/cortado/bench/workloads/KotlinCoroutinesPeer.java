package io.cortado.bench.workloads;

import io.cortado.bench.peers.KotlinPeer;

/** Kotlin coroutines (kotlinx-coroutines 1.11, Dispatchers.Default limited to 2); the work is in KotlinPeer.kt. */
public final class KotlinCoroutinesPeer implements Peer {
    private final KotlinPeer peer = new KotlinPeer();

    @Override
    public String name() {
        return "kotlin_coroutines";
    }

    @Override
    public long spawnMany(int n) {
        return peer.spawnMany(n);
    }

    @Override
    public void spawnRemote(int n) throws InterruptedException {
        peer.spawnRemote(n);
    }

    @Override
    public void yieldMany(int tasks, int yields) {
        peer.yieldMany(tasks, yields);
    }

    @Override
    public void chainedSpawn(int depth) throws InterruptedException {
        peer.chainedSpawn(depth);
    }

    @Override
    public void startIdle(int n) {
        peer.startIdle(n);
    }

    @Override
    public void cancelIdle() {
        peer.cancelIdle();
    }

    @Override
    public void pingPong(int pairs, int roundTrips) {
        peer.pingPong(pairs, roundTrips);
    }

    @Override
    public long mpsc(int producers, int perProducer, int capacity) {
        return peer.mpsc(producers, perProducer, capacity);
    }

    @Override
    public void close() {
        peer.close();
    }
}
