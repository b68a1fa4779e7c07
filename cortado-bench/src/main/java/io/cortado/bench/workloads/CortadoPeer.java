package io.cortado.bench.workloads;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.Waker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Cortado's multi-thread runtime with 2 workers. */
public final class CortadoPeer implements Peer {
    private final AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(Integer.getInteger("cortado.bench.workers", 2)).seed(42)
            .blockedWorkerThreshold(java.time.Duration.ZERO).build();
    private List<JoinHandle<Void>> idle = List.of();

    @Override
    public String name() {
        return "cortado";
    }

    /** Awaits handles one after the other and sums them, like {@code for h in handles { sum += h.await }}. */
    private static final class SumAll implements Future<Long> {
        private final JoinHandle<Integer>[] handles;
        private int next;
        private long sum;

        SumAll(JoinHandle<Integer>[] handles) {
            this.handles = handles;
        }

        @Override
        public Poll<Long> poll(Context cx) {
            while (next < handles.length) {
                Poll<Integer> p = handles[next].poll(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                sum += p.value();
                handles[next++] = null;
            }
            return Poll.ready(sum);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public long spawnMany(int n) {
        return rt.blockOn(rt.spawn(Futures.lazy(() -> {
            JoinHandle<Integer>[] hs = new JoinHandle[n];
            for (int i = 0; i < n; i++) {
                hs[i] = Task.spawn(Futures.ready(i & 0xFF));
            }
            return new SumAll(hs);
        }).then(f -> f)));
    }

    @Override
    public void spawnRemote(int n) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(n);
        Future<Void> task = cx -> {
            done.countDown();
            return Poll.ready(null);
        };
        var h = rt.handle();
        for (int i = 0; i < n; i++) {
            h.spawn(task); // a stateless future may be shared by many tasks
        }
        done.await();
    }

    /** Yields {@code n} times: wakes itself and returns Pending. */
    private static Future<Void> yields(int n) {
        int[] left = {n};
        return cx -> {
            if (left[0]-- == 0) {
                return Poll.ready(null);
            }
            cx.waker().wake();
            return Poll.pending();
        };
    }

    @Override
    public void yieldMany(int tasks, int yieldsPerTask) {
        rt.blockOn(rt.spawn(Futures.lazy(() -> {
            List<JoinHandle<Void>> hs = new ArrayList<>(tasks);
            for (int i = 0; i < tasks; i++) {
                hs.add(Task.spawn(yields(yieldsPerTask)));
            }
            return Futures.joinAll(hs);
        }).then(f -> f)));
    }

    /** A one-shot signal a future can await. */
    static final class Signal implements Future<Void> {
        private volatile boolean set;
        private volatile Waker waiter;

        void set() {
            set = true;
            Waker w = waiter;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (set) {
                return Poll.ready(null);
            }
            waiter = cx.waker();
            return set ? Poll.ready(null) : Poll.pending();
        }
    }

    private static Future<Void> chain(int n, Signal done) {
        return cx -> {
            if (n == 0) {
                done.set();
            } else {
                Task.spawn(chain(n - 1, done));
            }
            return Poll.ready(null);
        };
    }

    @Override
    public void chainedSpawn(int depth) {
        Signal done = new Signal();
        rt.blockOn(Futures.lazy(() -> rt.spawn(chain(depth, done))).then(h -> done));
    }

    @Override
    public void startIdle(int n) throws InterruptedException {
        List<JoinHandle<Void>> hs = new ArrayList<>(n);
        java.util.concurrent.atomic.LongAdder polled = new java.util.concurrent.atomic.LongAdder();
        Future<Void> never = cx -> { // shared and stateless: the task itself is all that is measured
            polled.increment();
            return Poll.pending();
        };
        var h = rt.handle();
        for (int i = 0; i < n; i++) {
            hs.add(h.spawn(never));
        }
        idle = hs;
        while (polled.sum() < n) {
            Thread.sleep(1); // wait for the steady idle state: every task polled once and parked
        }
    }

    private List<io.cortado.sync.Oneshot.Sender<Integer>> idleSenders = List.of();

    @Override
    public void startIdleOneshot(int n) throws InterruptedException {
        List<JoinHandle<Integer>> hs = new ArrayList<>(n);
        List<io.cortado.sync.Oneshot.Sender<Integer>> senders = new ArrayList<>(n);
        java.util.concurrent.atomic.LongAdder polled = new java.util.concurrent.atomic.LongAdder();
        var h = rt.handle();
        for (int i = 0; i < n; i++) {
            var ch = io.cortado.sync.Oneshot.<Integer>channel();
            senders.add(ch.sender());
            var rx = ch.receiver();
            hs.add(h.spawn(cx -> { // the task awaits its one-shot; counts its first poll
                Poll<Integer> p = rx.poll(cx);
                polled.increment();
                return p;
            }));
        }
        @SuppressWarnings("unchecked")
        List<JoinHandle<Void>> asVoid = (List<JoinHandle<Void>>) (List<?>) hs;
        idle = asVoid;
        idleSenders = senders;
        while (polled.sum() < n) {
            Thread.sleep(1); // wait for the steady idle state
        }
    }

    @Override
    public void cancelIdle() {
        idleSenders = List.of();
        for (JoinHandle<Void> h : idle) {
            h.abort();
        }
        List<JoinHandle<Void>> all = idle;
        int[] next = {0};
        rt.blockOn(cx -> {
            while (next[0] < all.size()) {
                try {
                    if (!all.get(next[0]).poll(cx).isReady()) {
                        return Poll.pending();
                    }
                } catch (io.cortado.JoinException cancelled) {
                    // expected: aborted
                }
                next[0]++;
            }
            return Poll.ready(null);
        });
        idle = List.of();
    }

    /** W4's first half: sends a ping, waits for the pong, {@code left} times; then closes its sender. */
    private static final class Pinger implements Future<Void> {
        private final io.cortado.sync.Mpsc.Sender<Integer> out;
        private final io.cortado.sync.Mpsc.Receiver<Integer> in;
        private int left;
        private Future<Void> sending;
        private boolean waiting;

        Pinger(io.cortado.sync.Mpsc.Sender<Integer> out, io.cortado.sync.Mpsc.Receiver<Integer> in, int n) {
            this.out = out;
            this.in = in;
            this.left = n;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (; ; ) {
                if (!waiting) {
                    if (sending == null) {
                        if (left == 0) {
                            out.close();
                            return Poll.ready(null);
                        }
                        sending = out.send(left);
                    }
                    if (!sending.poll(cx).isReady()) {
                        return Poll.pending();
                    }
                    sending = null;
                    waiting = true;
                }
                if (!in.pollRecv(cx).isReady()) {
                    return Poll.pending();
                }
                waiting = false;
                left--;
            }
        }
    }

    /** W4's second half: answers every ping until the stream ends. */
    private static final class Ponger implements Future<Void> {
        private final io.cortado.sync.Mpsc.Sender<Integer> out;
        private final io.cortado.sync.Mpsc.Receiver<Integer> in;
        private Future<Void> sending;

        Ponger(io.cortado.sync.Mpsc.Sender<Integer> out, io.cortado.sync.Mpsc.Receiver<Integer> in) {
            this.out = out;
            this.in = in;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (; ; ) {
                if (sending == null) {
                    Poll<Integer> p = in.pollRecv(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    if (p.value() == null) {
                        out.close();
                        return Poll.ready(null);
                    }
                    sending = out.send(p.value());
                }
                if (!sending.poll(cx).isReady()) {
                    return Poll.pending();
                }
                sending = null;
            }
        }
    }

    @Override
    public void pingPong(int pairs, int roundTrips) {
        rt.blockOn(rt.spawn(Futures.lazy(() -> {
            List<JoinHandle<Void>> hs = new ArrayList<>(2 * pairs);
            for (int i = 0; i < pairs; i++) {
                var ab = io.cortado.sync.Mpsc.<Integer>bounded(1);
                var ba = io.cortado.sync.Mpsc.<Integer>bounded(1);
                hs.add(Task.spawn(new Pinger(ab.sender(), ba.receiver(), roundTrips)));
                hs.add(Task.spawn(new Ponger(ba.sender(), ab.receiver())));
            }
            return Futures.joinAll(hs);
        }).then(f -> f)));
    }

    /** W6's producer: sends {@code 0..n-1}, waiting while the channel is full; then closes its sender. */
    private static Future<Void> producer(io.cortado.sync.Mpsc.Sender<Integer> tx, int n) {
        int[] next = {0};
        @SuppressWarnings("unchecked")
        Future<Void>[] sending = new Future[1];
        return cx -> {
            while (next[0] < n) {
                if (sending[0] == null) {
                    sending[0] = tx.send(next[0]);
                }
                if (!sending[0].poll(cx).isReady()) {
                    return Poll.pending();
                }
                sending[0] = null;
                next[0]++;
            }
            tx.close();
            return Poll.ready(null);
        };
    }

    /** W6's consumer: sums until the end of the stream. */
    private static Future<Long> consumer(io.cortado.sync.Mpsc.Receiver<Integer> rx) {
        long[] sum = {0};
        return cx -> {
            for (; ; ) {
                Poll<Integer> p = rx.pollRecv(cx);
                if (!p.isReady()) {
                    return Poll.pending();
                }
                if (p.value() == null) {
                    return Poll.ready(sum[0]);
                }
                sum[0] += p.value();
            }
        };
    }

    @Override
    public long mpsc(int producers, int perProducer, int capacity) {
        if (capacity <= 0) {
            var ch = io.cortado.sync.Mpsc.<Integer>unbounded();
            List<io.cortado.sync.Mpsc.UnboundedSender<Integer>> txs = new ArrayList<>();
            txs.add(ch.sender());
            for (int p = 1; p < producers; p++) {
                txs.add(ch.sender().duplicate()); // all before any producer runs (and closes its own)
            }
            return rt.blockOn(rt.spawn(Futures.lazy(() -> {
                JoinHandle<Long> sum = Task.spawn(consumer(ch.receiver()));
                for (var tx : txs) {
                    Task.spawn(Futures.lazy(() -> { // an unbounded send never waits: one poll sends them all
                        for (int i = 0; i < perProducer; i++) {
                            tx.send(i);
                        }
                        tx.close();
                        return null;
                    }));
                }
                return sum;
            }).then(f -> f)));
        }
        var ch = io.cortado.sync.Mpsc.<Integer>bounded(capacity);
        List<io.cortado.sync.Mpsc.Sender<Integer>> txs = new ArrayList<>();
        txs.add(ch.sender());
        for (int p = 1; p < producers; p++) {
            txs.add(ch.sender().duplicate());
        }
        return rt.blockOn(rt.spawn(Futures.lazy(() -> {
            JoinHandle<Long> sum = Task.spawn(consumer(ch.receiver()));
            for (var tx : txs) {
                Task.spawn(producer(tx, perProducer));
            }
            return sum;
        }).then(f -> f)));
    }

    @Override
    public void close() {
        rt.close();
    }
}
