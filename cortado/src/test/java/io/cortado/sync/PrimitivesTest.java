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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Watch}, {@link Broadcast}, {@link Barrier}, {@link OnceCell}, {@link CancellationToken}. */
class PrimitivesTest extends RuntimeTestBase {

    private static <T> Poll<T> poll(Future<T> f, TestWaker w) {
        return f.poll(Context.of(w));
    }

    @Test
    void watchSkipsToTheLatestAndWakesEveryReceiver() {
        Watch.Channel<String> ch = Watch.channel("a");
        Watch.Receiver<String> r1 = ch.receiver();
        Watch.Receiver<String> r2 = r1.duplicate();
        TestWaker w1 = new TestWaker();
        TestWaker w2 = new TestWaker();
        Future<Void> c1 = r1.changed();
        Future<Void> c2 = r2.changed();
        assertFalse(poll(c1, w1).isReady());
        assertFalse(poll(c2, w2).isReady());
        ch.sender().send("b");
        ch.sender().send("c");
        assertEquals(1, w1.wakes());
        assertEquals(1, w2.wakes());
        assertTrue(poll(c1, w1).isReady());
        assertEquals("c", r1.borrow(), "the latest; b was skipped");
        assertFalse(r1.hasChanged());
        assertTrue(r2.hasChanged());
        Future<Void> cancelled = r1.changed();
        assertFalse(poll(cancelled, w1).isReady());
        cancelled.cancel();
        ch.sender().send("d");
        assertTrue(r1.hasChanged(), "a cancelled changed() loses nothing");
        assertTrue(poll(r1.changed(), w1).isReady());
        ch.sender().close();
        assertThrows(ClosedException.class, () -> poll(r1.changed(), w1));
    }

    @Test
    void broadcastDeliversToEveryReceiverAndReportsLag() {
        Broadcast.Channel<Integer> ch = Broadcast.channel(4);
        Broadcast.Receiver<Integer> fast = ch.receiver();
        Broadcast.Receiver<Integer> slow = ch.sender().subscribe();
        TestWaker w = new TestWaker();
        Future<Integer> r = fast.recv();
        assertFalse(poll(r, w).isReady());
        for (int i = 0; i < 10; i++) {
            ch.sender().send(i);
        }
        assertEquals(1, w.wakes());
        Broadcast.LaggedException lag = assertThrows(Broadcast.LaggedException.class, slow::tryRecv);
        assertEquals(6, lag.missed(), "10 sent, 4 kept");
        for (int i = 6; i < 10; i++) {
            assertEquals(i, slow.tryRecv(), "then the oldest kept, in order");
        }
        assertNull(slow.tryRecv());
        ch.sender().close();
        Poll<Integer> end = poll(slow.recv(), w);
        assertTrue(end.isReady());
        assertNull(end.value(), "end of stream after the last sender closed");
        assertThrows(IllegalArgumentException.class, () -> Broadcast.channel(0));
    }

    @Test
    void barrierReleasesTogetherWithOneLeaderAndIsReusable() {
        Barrier b = new Barrier(3);
        for (int round = 0; round < 2; round++) {
            TestWaker w1 = new TestWaker();
            TestWaker w2 = new TestWaker();
            Future<Boolean> a1 = b.await();
            Future<Boolean> a2 = b.await();
            assertFalse(poll(a1, w1).isReady());
            assertFalse(poll(a2, w2).isReady());
            Poll<Boolean> last = poll(b.await(), new TestWaker());
            assertTrue(last.value(), "the last to arrive leads");
            assertEquals(1, w1.wakes());
            assertFalse(poll(a1, w1).value());
            assertFalse(poll(a2, w2).value());
        }
        Future<Boolean> quitter = b.await();
        assertFalse(poll(quitter, new TestWaker()).isReady());
        quitter.cancel(); // withdraws its arrival
        assertFalse(poll(b.await(), new TestWaker()).isReady());
        assertFalse(poll(b.await(), new TestWaker()).isReady(), "still two of three: the quitter does not count");
        assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
    }

    @Test
    void onceCellRunsOneInitialiserEvenWhenManyRaceAndRetriesAfterAFailure() {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).startPaused(true).build()) {
            OnceCell<String> cell = new OnceCell<>();
            AtomicInteger runs = new AtomicInteger();
            AtomicInteger waited = new AtomicInteger();
            Oneshot.Channel<Boolean> gate = Oneshot.channel();
            // caller 0 initialises first, and its initialiser fails only once the 49 others all wait on the cell
            JoinHandle<String> first = rt.spawn(Futures.lazy(() -> cell.getOrInit(() -> {
                runs.incrementAndGet();
                return gate.receiver().<String>map(v -> {
                    throw new IllegalStateException("first initialiser fails");
                });
            })).then(f -> f));
            awaitCondition(() -> runs.get() == 1, "the first initialiser runs");
            List<JoinHandle<String>> hs = new ArrayList<>();
            for (int i = 1; i < 50; i++) {
                int me = i;
                Future<String> get = cell.getOrInit(() -> {
                    runs.incrementAndGet();
                    return Sleep.sleep(Duration.ofMillis(10)).map(v -> "from " + me);
                });
                boolean[] counted = {false};
                hs.add(rt.spawn(cx -> {
                    Poll<String> p = get.poll(cx);
                    if (!p.isReady() && !counted[0]) {
                        counted[0] = true;
                        waited.incrementAndGet();
                    }
                    return p;
                }));
            }
            awaitCondition(() -> waited.get() == 49, "every other caller waits while the first initialiser runs");
            assertEquals(1, runs.get(), "no second initialiser while one runs");
            gate.sender().send(true);
            assertThrows(io.cortado.JoinException.class, () -> rt.blockOn(first), "the failing initialiser's caller");
            java.util.Set<String> values = new java.util.HashSet<>();
            for (JoinHandle<String> h : hs) {
                values.add(rt.blockOn(h)); // no other caller fails: one of them initialises again
            }
            assertEquals(2, runs.get(), "one failed initialiser, then exactly one that succeeded");
            assertEquals(1, values.size(), "every caller gets the same value: " + values);
            assertEquals(values.iterator().next(), cell.get());
            assertFalse(cell.trySet("other"));
        }
    }

    @Test
    void cancellationTokensFormATree() {
        CancellationToken root = new CancellationToken();
        CancellationToken child = root.child();
        CancellationToken grandchild = child.child();
        CancellationToken sibling = root.child();
        TestWaker w = new TestWaker();
        Future<Void> f = grandchild.cancelled();
        assertFalse(poll(f, w).isReady());
        child.cancel();
        assertTrue(child.isCancelled());
        assertTrue(grandchild.isCancelled());
        assertFalse(root.isCancelled(), "a child never cancels its parent");
        assertFalse(sibling.isCancelled());
        assertEquals(1, w.wakes());
        assertTrue(poll(f, w).isReady());
        root.cancel();
        assertTrue(sibling.isCancelled());
        assertTrue(root.child().isCancelled(), "a child of a cancelled token starts cancelled");
    }

    @Test
    void aCancelledTokenStopsATaskLoopingOnAChannel() {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            CancellationToken stop = new CancellationToken();
            Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
            AtomicInteger seen = new AtomicInteger();
            JoinHandle<Integer> worker = rt.spawn(new Future<Integer>() {
                private final Future<Void> stopped = stop.cancelled();

                @Override
                public Poll<Integer> poll(Context cx) {
                    for (; ; ) { // select in a loop: messages until the token fires
                        if (stopped.poll(cx).isReady()) {
                            return Poll.ready(seen.get());
                        }
                        Poll<Integer> m = ch.receiver().pollRecv(cx);
                        if (!m.isReady()) {
                            return Poll.pending();
                        }
                        seen.incrementAndGet();
                    }
                }
            });
            for (int i = 0; i < 100; i++) {
                ch.sender().send(i);
            }
            awaitCondition(() -> seen.get() == 100, "the worker received every message");
            assertFalse(worker.isFinished(), "it keeps waiting for more");
            stop.cancel();
            assertEquals(100, rt.blockOn(worker));
        }
    }

    @Test
    void mutexIsLockedWhileAGuardIsHeldAndNotAfter() {
        Mutex<String> m = new Mutex<>("v");
        assertFalse(m.isLocked());
        Mutex.Guard<String> g = m.tryLock();
        assertTrue(g != null && m.isLocked(), "held by a guard");
        TestWaker w = new TestWaker();
        Future<Mutex.Guard<String>> waiting = m.lock();
        assertFalse(waiting.poll(w.context()).isReady());
        g.close();
        assertEquals(1, w.wakes(), "the release hands the lock to the waiter");
        assertTrue(m.isLocked(), "still locked: the waiter was granted it");
        Mutex.Guard<String> g2 = waiting.poll(w.context()).value();
        assertEquals("v", g2.get());
        g2.close();
        assertFalse(m.isLocked(), "free once every guard is closed");
    }
}
