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

    /** W4 with blocking queues of capacity 1 between virtual threads (the idiomatic virtual-thread channel). */
    @Override
    public void pingPong(int pairs, int roundTrips) throws Exception {
        java.util.List<java.util.concurrent.Future<?>> fs = new java.util.ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            var ab = new java.util.concurrent.ArrayBlockingQueue<Integer>(1);
            var ba = new java.util.concurrent.ArrayBlockingQueue<Integer>(1);
            fs.add(exec.submit(() -> {
                for (int i = 0; i < roundTrips; i++) {
                    ab.put(i);
                    ba.take();
                }
                ab.put(-1);
                return null;
            }));
            fs.add(exec.submit(() -> {
                for (int v; (v = ab.take()) >= 0; ) {
                    ba.put(v);
                }
                return null;
            }));
        }
        for (var f : fs) {
            f.get();
        }
    }

    /** W6 / W6u with an ArrayBlockingQueue (bounded) or a LinkedBlockingQueue (unbounded). */
    @Override
    public long mpsc(int producers, int perProducer, int capacity) throws Exception {
        java.util.concurrent.BlockingQueue<Integer> q = capacity > 0
                ? new java.util.concurrent.ArrayBlockingQueue<>(capacity)
                : new java.util.concurrent.LinkedBlockingQueue<>();
        var sum = exec.submit(() -> {
            long s = 0;
            for (int left = producers * perProducer; left > 0; left--) {
                s += q.take();
            }
            return s;
        });
        for (int p = 0; p < producers; p++) {
            exec.submit(() -> {
                for (int i = 0; i < perProducer; i++) {
                    q.put(i);
                }
                return null;
            });
        }
        return sum.get();
    }

    @Override
    public void close() {
        exec.close();
    }
}
