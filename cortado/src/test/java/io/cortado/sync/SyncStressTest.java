package io.cortado.sync;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channels and locks between tasks on the multi-thread runtime: every message arrives once, in each producer's
 * order; the mutex is exclusive; cancelled waiters lose nothing.
 */
class SyncStressTest extends RuntimeTestBase {

    /** A producer task: sends {@code 0..n-1} tagged with its id, waiting whenever the channel is full. */
    private static Future<Void> producer(Mpsc.Sender<long[]> tx, int id, int n) {
        int[] next = {0};
        Future<?>[] sending = {null};
        return new Future<>() {
            @Override
            public Poll<Void> poll(Context cx) {
                while (next[0] < n) {
                    if (sending[0] == null) {
                        sending[0] = tx.send(new long[] {id, next[0]});
                    }
                    if (!sending[0].poll(cx).isReady()) {
                        return Poll.pending();
                    }
                    sending[0] = null;
                    next[0]++;
                }
                tx.close();
                return Poll.ready(null);
            }
        };
    }

    @Test
    void fourProducersOneConsumerEveryMessageOnceInProducerOrder() {
        int n = 250_000 * Math.max(1, stressScale() / 5);
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            Mpsc.Channel<long[]> ch = Mpsc.bounded(64);
            List<Mpsc.Sender<long[]>> txs = new ArrayList<>();
            txs.add(ch.sender());
            for (int i = 1; i < 4; i++) {
                txs.add(ch.sender().duplicate());
            }
            long[] expected = new long[4];
            long received = rt.blockOn(Futures.lazy(() -> {
                for (int i = 0; i < 4; i++) {
                    Task.spawn(producer(txs.get(i), i, n));
                }
                long[] count = {0};
                Mpsc.Receiver<long[]> rx = ch.receiver();
                return (Future<Long>) cx -> {
                    for (; ; ) {
                        Poll<long[]> p = rx.pollRecv(cx);
                        if (!p.isReady()) {
                            return Poll.pending();
                        }
                        long[] m = p.value();
                        if (m == null) {
                            return Poll.ready(count[0]);
                        }
                        int id = (int) m[0];
                        assertEquals(expected[id], m[1], "producer " + id + " out of order");
                        expected[id]++;
                        count[0]++;
                    }
                };
            }).then(f -> f));
            assertEquals(4L * n, received);
            for (int i = 0; i < 4; i++) {
                assertEquals(n, expected[i]);
            }
        }
    }

    /**
     * Close-then-drain under racing senders (Mpsc rules 5-7): every send that completed is received, every send that
     * failed handed its value back and was not received; the receiver ends with senders still open. The race is
     * counted: rounds must see sends complete while the close was under way, and sends fail after it.
     */
    @Test
    void closeThenDrainLosesNothingAndDeliversNothingTwiceUnderRacingSenders() throws Exception {
        int rounds = 200 * stressScale();
        long completedDuringClose = 0;
        long failed = 0;
        for (int round = 0; round < rounds; round++) {
            boolean bounded = (round & 1) == 0;
            Mpsc.Channel<Long> b = Mpsc.bounded(8);
            Mpsc.UnboundedChannel<Long> u = Mpsc.unbounded();
            java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(2);
            java.util.Set<Long> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.Set<Long> handedBack = java.util.concurrent.ConcurrentHashMap.newKeySet();
            long[] during = new long[2];
            Thread[] producers = new Thread[2];
            for (int p = 0; p < 2; p++) {
                int id = p;
                producers[p] = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    for (long i = 0; ; i++) {
                        long v = id * 1_000_000_000L + i;
                        try {
                            if (bounded) {
                                Mpsc.TrySend r = b.sender().trySend(v);
                                if (r == Mpsc.TrySend.CLOSED) {
                                    handedBack.add(v);
                                    return;
                                }
                                if (r == Mpsc.TrySend.FULL) {
                                    Thread.onSpinWait();
                                    continue;
                                }
                            } else {
                                u.sender().send(v);
                            }
                        } catch (ClosedException e) {
                            handedBack.add((Long) e.value());
                            return;
                        }
                        sent.add(v);
                        if (closing.get()) {
                            during[id]++;
                        }
                    }
                });
            }
            started.await();
            Mpsc.Receiver<Long> rx = bounded ? b.receiver() : u.receiver();
            java.util.Set<Long> received = new java.util.HashSet<>();
            TestWaker w = new TestWaker();
            for (int i = 0; i < 50; ) { // take some while the senders run
                Long v = rx.tryRecv();
                if (v != null) {
                    received.add(v);
                    i++;
                }
            }
            closing.set(true);
            rx.close();
            for (; ; ) { // drain: pending only while a counted send is still pushing
                Poll<Long> p = rx.recv().poll(Context.of(w));
                if (!p.isReady()) {
                    Thread.onSpinWait();
                    continue;
                }
                if (p.value() == null) {
                    break;
                }
                assertTrue(received.add(p.value()), "received twice: " + p.value());
            }
            for (Thread t : producers) {
                t.join();
            }
            assertEquals(sent, received, "received exactly what was sent (round " + round + ")");
            for (Long v : handedBack) {
                assertFalse(received.contains(v), "handed back and received: " + v);
            }
            assertEquals(2, handedBack.size(), "each sender's last send failed");
            completedDuringClose += during[0] + during[1];
            failed += handedBack.size();
        }
        assertTrue(completedDuringClose > 0, "no send completed while the close was under way: the race never ran");
        assertEquals(2L * rounds, failed);
    }

    @Test
    void mutexIsExclusiveUnderContention() {
        int tasks = 8;
        int rounds = 20_000 * Math.max(1, stressScale() / 5);
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            Mutex<int[]> m = new Mutex<>(new int[] {0});
            AtomicInteger inside = new AtomicInteger();
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int[] left = {rounds};
                Future<?>[] locking = {null};
                hs.add(rt.spawn(cx -> {
                    while (left[0] > 0) {
                        if (locking[0] == null) {
                            locking[0] = m.lock();
                        }
                        @SuppressWarnings("unchecked")
                        Poll<Mutex.Guard<int[]>> p = ((Future<Mutex.Guard<int[]>>) locking[0]).poll(cx);
                        if (!p.isReady()) {
                            return Poll.pending();
                        }
                        locking[0] = null;
                        try (Mutex.Guard<int[]> g = p.value()) {
                            assertEquals(1, inside.incrementAndGet(), "two holders at once");
                            g.get()[0]++;
                            inside.decrementAndGet();
                        }
                        left[0]--;
                        if ((left[0] & 63) == 0) {
                            cx.waker().wake(); // yield now and then so the others get a turn on this worker
                            return Poll.pending();
                        }
                    }
                    return Poll.ready(null);
                }));
            }
            for (JoinHandle<Void> h : hs) {
                rt.blockOn(h);
            }
            assertEquals(tasks * rounds, m.tryLock().get()[0]);
        }
    }

    @Test
    void acquiresCancelledByTimeoutsLoseNoPermit() {
        int tasks = 200;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).startPaused(true).build()) {
            Semaphore s = new Semaphore(3);
            AtomicInteger timedOut = new AtomicInteger();
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int hold = 1 + t % 5;
                hs.add(rt.spawn(Futures.lazy(() -> s.acquire(1 + hold % 3).timeout(Duration.ofMillis(3)))
                        .then(f -> f)
                        .then(p -> Sleep.sleep(Duration.ofMillis(hold)).map(v -> {
                            p.close();
                            return (Void) null;
                        }))));
            }
            for (JoinHandle<Void> h : hs) {
                try {
                    rt.blockOn(h);
                } catch (io.cortado.JoinException e) {
                    assertTrue(e.getCause() instanceof io.cortado.time.TimeoutException, String.valueOf(e));
                    timedOut.incrementAndGet();
                }
            }
            assertTrue(timedOut.get() > 0, "some acquires were cancelled by their timeout while queued");
            assertEquals(3, s.availablePermits(), "every permit is back: none lost to a cancelled waiter");
        }
    }

    @Test
    void oneshotsBetweenTasks() {
        int n = 20_000;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            long sum = rt.blockOn(Futures.lazy(() -> {
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    Oneshot.Channel<Integer> ch = Oneshot.channel();
                    hs.add(Task.spawn(ch.receiver()));
                    int v = i;
                    Task.spawn(Futures.lazy(() -> ch.sender().send(v)));
                }
                return Futures.joinAll(hs);
            }).then(f -> f)).stream().mapToLong(Integer::longValue).sum();
            assertEquals((long) n * (n - 1) / 2, sum);
        }
    }
}
