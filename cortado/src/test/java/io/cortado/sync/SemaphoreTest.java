package io.cortado.sync;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Semaphore}, {@link Mutex}, {@link RwLock}: fairness, cancellation at every stage, close, bad input. */
class SemaphoreTest extends RuntimeTestBase {

    private static <T> Poll<T> poll(Future<T> f, TestWaker w) {
        return f.poll(Context.of(w));
    }

    @Test
    void fastPathAndRelease() {
        Semaphore s = new Semaphore(3);
        Semaphore.Permit p = s.tryAcquire(2);
        assertNotNull(p);
        assertEquals(1, s.availablePermits());
        assertNull(s.tryAcquire(2));
        p.close();
        p.close(); // once
        assertEquals(3, s.availablePermits());
        TestWaker w = new TestWaker();
        Poll<Semaphore.Permit> r = poll(s.acquire(3), w);
        assertTrue(r.isReady());
        assertEquals(0, s.availablePermits());
        r.value().forget();
        assertEquals(0, s.availablePermits(), "a forgotten permit is never given back");
    }

    @Test
    void waitersAreServedInOrderAndALargeRequestIsNotStarved() {
        Semaphore s = new Semaphore(0);
        TestWaker wBig = new TestWaker();
        TestWaker wSmall = new TestWaker();
        Future<Semaphore.Permit> big = s.acquire(3);
        Future<Semaphore.Permit> small = s.acquire(1);
        assertFalse(poll(big, wBig).isReady());
        assertFalse(poll(small, wSmall).isReady());
        s.release(1);
        s.release(1);
        assertEquals(0, wBig.wakes(), "the first waiter collects permits as they come");
        assertFalse(poll(small, wSmall).isReady(), "the small request waits behind the big one (FIFO)");
        assertNull(s.tryAcquire(1), "and so does a newcomer");
        s.release(2);
        assertEquals(1, wBig.wakes());
        assertEquals(1, wSmall.wakes());
        assertEquals(3, poll(big, wBig).value().permits());
        assertEquals(1, poll(small, wSmall).value().permits());
    }

    @Test
    void cancellingAQueuedAcquireGivesBackWhatItCollectedAndPassesTheTurnOn() {
        Semaphore s = new Semaphore(0);
        TestWaker w1 = new TestWaker();
        TestWaker w2 = new TestWaker();
        Future<Semaphore.Permit> first = s.acquire(2);
        Future<Semaphore.Permit> second = s.acquire(1);
        assertFalse(poll(first, w1).isReady());
        assertFalse(poll(second, w2).isReady());
        s.release(1); // collected by the first
        first.cancel();
        assertEquals(1, w2.wakes(), "the next waiter gets the permit the cancelled one had");
        assertTrue(poll(second, w2).isReady());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void cancellingAGrantedButUnpolledAcquireGivesEverythingBack() {
        Semaphore s = new Semaphore(0);
        TestWaker w = new TestWaker();
        Future<Semaphore.Permit> a = s.acquire(2);
        assertFalse(poll(a, w).isReady());
        s.release(2);
        assertEquals(1, w.wakes());
        a.cancel();
        assertEquals(2, s.availablePermits());
        Future<Semaphore.Permit> never = s.acquire(5);
        never.cancel(); // cancelled before its first poll: nothing happens
        assertEquals(2, s.availablePermits());
    }

    @Test
    void closeFailsWaitersAndLaterAcquires() {
        Semaphore s = new Semaphore(0);
        TestWaker w = new TestWaker();
        Future<Semaphore.Permit> a = s.acquire();
        assertFalse(poll(a, w).isReady());
        s.close();
        assertEquals(1, w.wakes());
        assertThrows(ClosedException.class, () -> poll(a, w));
        assertThrows(ClosedException.class, () -> poll(s.acquire(), w));
        assertThrows(ClosedException.class, () -> s.tryAcquire(1));
        assertTrue(s.isClosed());
    }

    @Test
    void closeKeepsThePermitsAFailedWaiterHadCollected() {
        Semaphore s = new Semaphore(0);
        TestWaker w = new TestWaker();
        Future<Semaphore.Permit> big = s.acquire(5);
        assertFalse(poll(big, w).isReady());
        s.release(3); // collected by the waiter
        assertEquals(0, s.availablePermits());
        s.close();
        assertThrows(ClosedException.class, () -> poll(big, w));
        assertEquals(3, s.availablePermits(), "releases still count after a close (rule 5)");
    }

    @Test
    void badInputNamesTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertTrue(e.getMessage().startsWith("permits"), e.getMessage());
        Semaphore s = new Semaphore(1);
        e = assertThrows(IllegalArgumentException.class, () -> s.acquire(0));
        assertTrue(e.getMessage().startsWith("n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.acquire(Semaphore.MAX_PERMITS + 1));
        assertThrows(IllegalArgumentException.class, () -> s.release(Semaphore.MAX_PERMITS));
        assertThrows(IllegalArgumentException.class, () -> Mpsc.bounded(0));
    }

    @Test
    void mutexIsExclusiveAndFifo() {
        Mutex<Integer> m = new Mutex<>(0);
        Mutex.Guard<Integer> g = m.tryLock();
        assertNotNull(g);
        assertNull(m.tryLock());
        List<Future<Mutex.Guard<Integer>>> waiting = new ArrayList<>();
        List<TestWaker> wakers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestWaker w = new TestWaker();
            Future<Mutex.Guard<Integer>> f = m.lock();
            assertFalse(poll(f, w).isReady());
            waiting.add(f);
            wakers.add(w);
        }
        g.set(1);
        g.close();
        for (int i = 0; i < 3; i++) {
            assertEquals(1, wakers.get(i).wakes(), "waiter " + i + " is woken in its turn");
            try (Mutex.Guard<Integer> gi = poll(waiting.get(i), wakers.get(i)).value()) {
                gi.set(gi.get() + 1);
            }
        }
        assertEquals(4, m.tryLock().get());
    }

    @Test
    void aWaitingWriterHoldsBackLaterReaders() {
        RwLock<String> l = new RwLock<>("a");
        RwLock.ReadGuard<String> r1 = l.tryRead();
        assertNotNull(r1);
        TestWaker ww = new TestWaker();
        Future<RwLock.WriteGuard<String>> w = l.write();
        assertFalse(poll(w, ww).isReady());
        assertNull(l.tryRead(), "no reader overtakes a waiting writer");
        TestWaker wr = new TestWaker();
        Future<RwLock.ReadGuard<String>> r2 = l.read();
        assertFalse(poll(r2, wr).isReady());
        r1.close();
        assertEquals(1, ww.wakes());
        try (RwLock.WriteGuard<String> g = poll(w, ww).value()) {
            g.set("b");
            assertFalse(poll(r2, wr).isReady());
        }
        assertEquals("b", poll(r2, wr).value().get());
    }
}
