package io.cortado.sync;

import io.cortado.testing.LincheckBudget;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model checks of {@link Mutex} and {@link RwLock} through their waiting paths: three threads each take the lock
 * ({@code lock()}, {@code read()}, {@code write()}: polled by hand with a counting waker, or {@code tryLock()}),
 * release it, and cancel a waiting request. Checked as it runs: mutual exclusion (at most one holder of the mutex;
 * a writer alone, readers together), and the mutex's guarded value, read and written without atomics by each
 * holder, counts every critical section (a holder sees the writes of the previous one). Checked after every
 * execution: no lost wake-up (a request left Pending whose waker was not woken since is still Pending); then (woken
 * requests completed, the others cancelled, every guard closed) the lock is free and nobody waits. Counted and
 * asserted: a waiting {@code lock()} woken by an unlock on another thread, a waiting {@code lock()} cancelled, a
 * {@code lock()} cancelled after it was granted (the lock passes on); a waiting writer woken when the readers left,
 * a reader waiting behind a writer woken, a waiting writer cancelled.
 */
class LockLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public static class MutexOps {
        final Mutex<Integer> mutex = new Mutex<>(0);
        final AtomicInteger holders = new AtomicInteger();
        final AtomicInteger sections = new AtomicInteger();
        final List<Waiting<Mutex.Guard<Integer>>> slots = List.of(new Waiting<>(mutex::lock),
                new Waiting<>(mutex::lock));

        private void enter() {
            if (holders.incrementAndGet() != 1) {
                throw new AssertionError("two holders of the mutex");
            }
        }

        private void lock(int i) {
            Waiting.Outcome o = slots.get(i).step();
            if (o == Waiting.Outcome.PENDING || o == Waiting.Outcome.NONE) {
                return;
            }
            enter();
            if (o == Waiting.Outcome.DONE_AFTER_WAKE) {
                REACHED.reached("a waiting lock() was woken by an unlock on another thread");
            }
        }

        private void unlock(int i) {
            if (slots.get(i).holding()) {
                Mutex.Guard<Integer> g = slots.get(i).take();
                g.set(g.get() + 1); // plain read-modify-write: exclusion and visibility make it count
                sections.incrementAndGet();
                holders.decrementAndGet();
                g.close();
            }
        }

        private void cancel(int i) {
            Waiting.Outcome o = slots.get(i).cancel();
            if (o == Waiting.Outcome.CANCELLED_AFTER_WAKE) {
                REACHED.reached("a lock() granted while it waited was cancelled");
            } else if (o == Waiting.Outcome.CANCELLED_WAITING) {
                REACHED.reached("a waiting lock() was cancelled");
            }
        }

        @Operation(nonParallelGroup = "t0")
        public void lock0() {
            lock(0);
        }

        @Operation(nonParallelGroup = "t0")
        public void unlock0() {
            unlock(0);
        }

        @Operation(nonParallelGroup = "t0")
        public void cancel0() {
            cancel(0);
        }

        @Operation(nonParallelGroup = "t1")
        public void lock1() {
            lock(1);
        }

        @Operation(nonParallelGroup = "t1")
        public void unlock1() {
            unlock(1);
        }

        @Operation(nonParallelGroup = "t1")
        public void cancel1() {
            cancel(1);
        }

        /** Thread 2 only tries. */
        @Operation(nonParallelGroup = "t2")
        public void tryLock2() {
            Mutex.Guard<Integer> g = mutex.tryLock();
            if (g != null) {
                enter();
                g.set(g.get() + 1);
                sections.incrementAndGet();
                holders.decrementAndGet();
                g.close();
            }
        }

        @Validate
        public void validate() {
            for (int i = 0; i < 2; i++) {
                slots.get(i).assertNoLostWake("lock() " + i);
            }
            for (int i = 0; i < 2; i++) {
                if (slots.get(i).settle()) {
                    enter();
                }
                unlock(i);
            }
            Mutex.Guard<Integer> g = mutex.tryLock();
            if (g == null) {
                throw new AssertionError("the mutex is not free after every unlock and cancel: " + mutex);
            }
            if (g.get() != sections.get()) {
                throw new AssertionError("the guarded value counts " + g.get() + " of " + sections + " sections");
            }
            g.close();
        }
    }

    public static class RwOps {
        final RwLock<Integer> lock = new RwLock<>(0);
        final AtomicInteger readers = new AtomicInteger();
        final AtomicInteger writers = new AtomicInteger();
        final Waiting<RwLock.WriteGuard<Integer>> writer = new Waiting<>(lock::write);
        final Waiting<RwLock.ReadGuard<Integer>> reader1 = new Waiting<>(lock::read);
        final Waiting<RwLock.ReadGuard<Integer>> reader2 = new Waiting<>(lock::read);

        private void check() {
            int w = writers.get();
            int r = readers.get();
            if (w > 1 || (w == 1 && r > 0)) {
                throw new AssertionError(w + " writers and " + r + " readers at once");
            }
        }

        @Operation(nonParallelGroup = "writer")
        public void write() {
            Waiting.Outcome o = writer.step();
            if (o == Waiting.Outcome.PENDING || o == Waiting.Outcome.NONE) {
                return;
            }
            writers.incrementAndGet();
            check();
            if (o == Waiting.Outcome.DONE_AFTER_WAKE) {
                REACHED.reached("a waiting writer was woken when the readers left");
            }
        }

        @Operation(nonParallelGroup = "writer")
        public void unwrite() {
            if (writer.holding()) {
                writers.decrementAndGet();
                writer.take().close();
            }
        }

        @Operation(nonParallelGroup = "writer")
        public void cancelWrite() {
            if (writer.cancel() != Waiting.Outcome.NONE) {
                REACHED.reached("a waiting writer was cancelled");
            }
        }

        private void read(Waiting<RwLock.ReadGuard<Integer>> r) {
            Waiting.Outcome o = r.step();
            if (o == Waiting.Outcome.PENDING || o == Waiting.Outcome.NONE) {
                return;
            }
            readers.incrementAndGet();
            check();
            if (o == Waiting.Outcome.DONE_AFTER_WAKE) {
                REACHED.reached("a reader waiting behind a writer was woken");
            }
        }

        private void unread(Waiting<RwLock.ReadGuard<Integer>> r) {
            if (r.holding()) {
                readers.decrementAndGet();
                r.take().close();
            }
        }

        @Operation(nonParallelGroup = "r1")
        public void read1() {
            read(reader1);
        }

        @Operation(nonParallelGroup = "r1")
        public void unread1() {
            unread(reader1);
        }

        @Operation(nonParallelGroup = "r2")
        public void read2() {
            read(reader2);
        }

        @Operation(nonParallelGroup = "r2")
        public void unread2() {
            unread(reader2);
        }

        @Validate
        public void validate() {
            writer.assertNoLostWake("write()");
            reader1.assertNoLostWake("read() 1");
            reader2.assertNoLostWake("read() 2");
            if (writer.settle()) {
                writers.incrementAndGet();
                check();
            }
            unwrite();
            for (var r : List.of(reader1, reader2)) {
                if (r.settle()) {
                    readers.incrementAndGet();
                    check();
                }
                unread(r);
            }
            RwLock.WriteGuard<Integer> g = lock.tryWrite();
            if (g == null) {
                throw new AssertionError("the lock is not free after every release and cancel: " + lock);
            }
            g.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void mutexExcludesAndPassesOn() {
        REACHED.reset();
        LincheckBudget.scenarios(LincheckScenario.of(MutexOps.class).init("lock0").thread("unlock0", "lock0", "unlock0")
                        .thread("lock1", "lock1", "cancel1").thread("tryLock2", "tryLock2"),
                LincheckScenario.of(MutexOps.class).init("lock1").thread("lock0", "cancel0")
                        .thread("unlock1", "lock1", "lock1").thread("tryLock2"));
        LincheckBudget.random(MutexOps.class);
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a waiting lock() was woken by an unlock on another thread",
                "a waiting lock() was cancelled", "a lock() granted while it waited was cancelled");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void rwLockExcludesWritersAndPassesOn() {
        REACHED.reset();
        LincheckBudget.scenarios(LincheckScenario.of(RwOps.class).init("read1").thread("write", "write", "unwrite")
                        .thread("unread1", "read1", "read1").thread("read2", "read2", "unread2"),
                LincheckScenario.of(RwOps.class).init("read1").thread("write", "cancelWrite")
                        .thread("read2", "read2").thread("unread1"));
        LincheckBudget.random(RwOps.class);
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a waiting writer was woken when the readers left",
                "a reader waiting behind a writer was woken", "a waiting writer was cancelled");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
