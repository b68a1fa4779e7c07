package io.cortado.bench.workloads;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netty 4.2 event loops (a MultiThreadIoEventLoopGroup of 2 NIO loops, what Netty servers run on): tasks are Runnables executed on the loops; a "yield" is
 * a re-execution on the same loop; joining is a listener on the loop's promise. No idle-task form: W8 skipped.
 */
public final class NettyPeer implements Peer {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @Override
    public String name() {
        return "netty";
    }

    @Override
    public long spawnMany(int n) throws Exception {
        EventExecutor home = group.next();
        Promise<Long> result = home.newPromise();
        home.execute(() -> {
            AtomicLong sum = new AtomicLong();
            AtomicInteger left = new AtomicInteger(n);
            for (int i = 0; i < n; i++) {
                int v = i & 0xFF;
                group.next().submit(() -> v).addListener(f -> {
                    sum.addAndGet((Integer) f.getNow());
                    if (left.decrementAndGet() == 0) {
                        result.setSuccess(sum.get());
                    }
                });
            }
        });
        return result.get();
    }

    @Override
    public void spawnRemote(int n) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            group.next().execute(done::countDown);
        }
        done.await();
    }

    @Override
    public void yieldMany(int tasks, int yields) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(tasks);
        for (int t = 0; t < tasks; t++) {
            EventExecutor loop = group.next();
            loop.execute(new Runnable() {
                int left = yields;

                @Override
                public void run() {
                    if (left-- == 0) {
                        done.countDown();
                    } else {
                        loop.execute(this);
                    }
                }
            });
        }
        done.await();
    }

    private void chain(int n, CountDownLatch done) {
        if (n == 0) {
            done.countDown();
        } else {
            group.next().execute(() -> chain(n - 1, done));
        }
    }

    @Override
    public void chainedSpawn(int depth) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        group.next().execute(() -> chain(depth, done));
        done.await();
    }

    @Override
    public void startIdle(int n) {
        throw new UnsupportedOperationException("no idiomatic idle task on plain event loops");
    }

    @Override
    public void cancelIdle() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
}
