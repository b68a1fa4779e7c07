package io.cortado.bench.workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/** JDK 25 virtual threads (their default scheduler: a ForkJoinPool with one carrier per core). */
public final class VirtualThreadPeer implements Peer {
    private final ExecutorService exec = Executors.newVirtualThreadPerTaskExecutor();
    private List<Thread> idle = List.of();

    @Override
    public String name() {
        return "virtual_threads";
    }

    @Override
    public long spawnMany(int n) throws Exception {
        return exec.submit(() -> {
            List<java.util.concurrent.Future<Integer>> fs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int v = i & 0xFF;
                fs.add(exec.submit(() -> v));
            }
            long sum = 0;
            for (var f : fs) {
                sum += f.get();
            }
            return sum;
        }).get();
    }

    @Override
    public void spawnRemote(int n) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Thread.startVirtualThread(done::countDown);
        }
        done.await();
    }

    @Override
    public void yieldMany(int tasks, int yields) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(tasks);
        for (int t = 0; t < tasks; t++) {
            Thread.startVirtualThread(() -> {
                for (int i = 0; i < yields; i++) {
                    Thread.yield();
                }
                done.countDown();
            });
        }
        done.await();
    }

    private static void chain(int n, CountDownLatch done) {
        if (n == 0) {
            done.countDown();
        } else {
            Thread.startVirtualThread(() -> chain(n - 1, done));
        }
    }

    @Override
    public void chainedSpawn(int depth) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Thread.startVirtualThread(() -> chain(depth, done));
        done.await();
    }

    @Override
    public void startIdle(int n) throws InterruptedException {
        List<Thread> ts = new ArrayList<>(n);
        CountDownLatch parked = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            ts.add(Thread.startVirtualThread(() -> {
                parked.countDown();
                while (!Thread.currentThread().isInterrupted()) {
                    LockSupport.park();
                }
            }));
        }
        parked.await();
        idle = ts;
    }

    @Override
    public void cancelIdle() throws InterruptedException {
        for (Thread t : idle) {
            t.interrupt();
        }
        for (Thread t : idle) {
            t.join();
        }
        idle = List.of();
    }

    @Override
    public void close() {
        exec.close();
    }
}
