package io.cortado.bench.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/** CompletableFuture on a ForkJoinPool(2). A "yield" is a re-submission of the continuation. */
public final class CompletableFuturePeer implements Peer {
    private final ForkJoinPool pool = new ForkJoinPool(2);
    private List<CompletableFuture<Void>> idle = List.of();

    @Override
    public String name() {
        return "completable_future";
    }

    @Override
    public long spawnMany(int n) {
        return CompletableFuture.supplyAsync(() -> {
            List<CompletableFuture<Integer>> fs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int v = i & 0xFF;
                fs.add(CompletableFuture.supplyAsync(() -> v, pool));
            }
            long sum = 0;
            for (var f : fs) {
                sum += f.join();
            }
            return sum;
        }, pool).join();
    }

    @Override
    public void spawnRemote(int n) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            CompletableFuture.runAsync(done::countDown, pool);
        }
        done.await();
    }

    private CompletableFuture<Void> yields(int n) {
        CompletableFuture<Void> f = CompletableFuture.completedFuture(null);
        for (int i = 0; i < n; i++) {
            f = f.thenRunAsync(() -> { }, pool);
        }
        return f;
    }

    @Override
    public void yieldMany(int tasks, int yieldsPerTask) {
        List<CompletableFuture<Void>> fs = new ArrayList<>(tasks);
        for (int t = 0; t < tasks; t++) {
            fs.add(CompletableFuture.supplyAsync(() -> yields(yieldsPerTask), pool).thenCompose(f -> f));
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).join();
    }

    private void chain(int n, CountDownLatch done) {
        if (n == 0) {
            done.countDown();
        } else {
            CompletableFuture.runAsync(() -> chain(n - 1, done), pool);
        }
    }

    @Override
    public void chainedSpawn(int depth) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture.runAsync(() -> chain(depth, done), pool);
        done.await();
    }

    @Override
    public void startIdle(int n) {
        CompletableFuture<Void> never = new CompletableFuture<>();
        List<CompletableFuture<Void>> fs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fs.add(never.thenRunAsync(() -> { }, pool)); // a continuation waiting for a result that never comes
        }
        idle = fs;
    }

    @Override
    public void cancelIdle() {
        for (var f : idle) {
            f.cancel(false);
        }
        idle = List.of();
    }

    @Override
    public void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }
}
