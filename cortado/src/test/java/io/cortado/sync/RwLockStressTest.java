package io.cortado.sync;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.WaitCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link RwLock} between readers and writers waiting on the two workers of a multi-thread runtime: many readers at
 * once or one writer, checked by counters inside the critical sections that are held across polls; FIFO fairness, so
 * a writer waiting behind a stream of overlapping readers is not overtaken by readers that came after it. The
 * acquisitions that had to wait, and were woken from the other thread, are counted and must be there.
 */
class RwLockStressTest extends RuntimeTestBase {

    /**
     * A task that takes the lock {@code rounds} times, holds it across {@code holdPolls} polls of its own (so others
     * run and contend meanwhile), and checks the counters on entry.
     */
    private static Future<Void> user(RwLock<long[]> lock, boolean writer, int rounds, int holdPolls,
                                     AtomicInteger readers, AtomicInteger writers, AtomicInteger maxReaders,
                                     WaitCounter waits) {
        int[] left = {rounds};
        int[] held = {-1};
        Object[] state = {null}; // the acquiring future, then the guard
        return cx -> {
            while (left[0] > 0) {
                if (held[0] < 0) {
                    if (state[0] == null) {
                        Future<? extends AutoCloseable> acquiring = writer ? lock.write() : lock.read();
                        state[0] = waits.count(acquiring);
                    }
                    @SuppressWarnings("unchecked")
                    Poll<AutoCloseable> p = ((Future<AutoCloseable>) state[0]).poll(cx);
                    if (!p.isReady()) {
                        return Poll.pending();
                    }
                    state[0] = p.value();
                    held[0] = 0;
                    if (writer) {
                        assertEquals(1, writers.incrementAndGet(), "two writers at once");
                        assertEquals(0, readers.get(), "a writer with readers");
                        @SuppressWarnings("unchecked")
                        RwLock.WriteGuard<long[]> g = (RwLock.WriteGuard<long[]>) state[0];
                        g.set(new long[] {g.get()[0] + 1}); // a lost update shows in the final count
                    } else {
                        maxReaders.accumulateAndGet(readers.incrementAndGet(), Math::max);
                        assertEquals(0, writers.get(), "a reader with a writer");
                    }
                }
                if (held[0]++ < holdPolls) {
                    cx.waker().wake(); // hold the lock across a yield
                    return Poll.pending();
                }
                if (writer) {
                    writers.decrementAndGet();
                } else {
                    readers.decrementAndGet();
                }
                try {
                    ((AutoCloseable) state[0]).close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                state[0] = null;
                held[0] = -1;
                left[0]--;
            }
            return Poll.ready(null);
        };
    }

    @Test
    void readersShareWritersExcludeAndWaitersAreWokenAcrossThreads() {
        int rounds = 4_000 * stressScale();
        int readerTasks = 4;
        int writerTasks = 2;
        RwLock<long[]> lock = new RwLock<>(new long[] {0});
        AtomicInteger readers = new AtomicInteger();
        AtomicInteger writers = new AtomicInteger();
        AtomicInteger maxReaders = new AtomicInteger();
        WaitCounter readWaits = new WaitCounter();
        WaitCounter writeWaits = new WaitCounter();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int i = 0; i < readerTasks + writerTasks; i++) {
                boolean writer = i % 3 == 2;
                hs.add(rt.spawn(user(lock, writer, rounds, 1 + i % 2, readers, writers, maxReaders,
                        writer ? writeWaits : readWaits)));
            }
            StressJoin.joinAll(rt, hs, () -> "reads " + readWaits + "; writes " + writeWaits + "; " + lock);
        }
        assertEquals((long) writerTasks * rounds, lock.tryWrite().get()[0], "writes lost");
        assertTrue(maxReaders.get() > 1, "readers never held the lock together");
        assertTrue(readWaits.waited() > 0 && readWaits.wokenAcrossThreads() > 0, "reads: " + readWaits);
        assertTrue(writeWaits.waited() > 0 && writeWaits.wokenAcrossThreads() > 0, "writes: " + writeWaits);
    }

    /**
     * Three reader tasks keep the lock read-held without a gap (their holds overlap); one writer takes it
     * {@code writes} times. A reader notes, before it asks, how many writes have begun and then whether the writer is
     * queued (its {@code write()} returned Pending and it has not seen it complete; the writer clears the flag before
     * it counts the write, so a reader that saw the flag saw a count from before that write): if the writer was
     * queued, the reader must not get in before that write begins. An unfair lock would let the readers overtake
     * (and starve the writer).
     */
    @Test
    void aQueuedWriterIsNotOvertakenByLaterReaders() {
        int writes = 300 * stressScale();
        RwLock<long[]> lock = new RwLock<>(new long[] {0});
        AtomicLong writesBegun = new AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean writerQueued = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        LongAdder readsBehindWriter = new LongAdder();
        LongAdder overtook = new LongAdder();
        WaitCounter writeWaits = new WaitCounter();
        WaitCounter behindWaits = new WaitCounter();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            List<JoinHandle<Void>> hs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int holdPolls = 2 + i;
                Object[] state = {null};
                long[] begunBefore = {0};
                boolean[] behind = {false};
                int[] held = {-1};
                hs.add(rt.spawn(cx -> {
                    while (!stop.get()) {
                        if (held[0] < 0) {
                            if (state[0] == null) {
                                begunBefore[0] = writesBegun.get(); // first the count, then the flag
                                behind[0] = writerQueued.get();
                                Future<RwLock.ReadGuard<long[]>> r = lock.read();
                                state[0] = behind[0] ? behindWaits.count(r) : r;
                            }
                            @SuppressWarnings("unchecked")
                            Poll<RwLock.ReadGuard<long[]>> p =
                                    ((Future<RwLock.ReadGuard<long[]>>) state[0]).poll(cx);
                            if (!p.isReady()) {
                                return Poll.pending();
                            }
                            state[0] = p.value();
                            held[0] = 0;
                            if (behind[0]) {
                                readsBehindWriter.increment();
                                if (writesBegun.get() == begunBefore[0]) {
                                    overtook.increment();
                                }
                            }
                        }
                        if (held[0]++ < holdPolls) {
                            cx.waker().wake();
                            return Poll.pending();
                        }
                        ((RwLock.ReadGuard<?>) state[0]).close();
                        state[0] = null;
                        held[0] = -1;
                    }
                    if (state[0] instanceof Future<?> f) {
                        f.cancel();
                    } else if (state[0] instanceof RwLock.ReadGuard<?> g) {
                        g.close();
                    }
                    return Poll.ready(null);
                }));
            }
            int[] left = {writes};
            Object[] state = {null};
            boolean[] held = {false};
            hs.add(rt.spawn(cx -> {
                while (left[0] > 0) {
                    if (!held[0]) {
                        if (state[0] == null) {
                            state[0] = writeWaits.count(lock.write());
                        }
                        @SuppressWarnings("unchecked")
                        Poll<RwLock.WriteGuard<long[]>> p =
                                ((Future<RwLock.WriteGuard<long[]>>) state[0]).poll(cx);
                        if (!p.isReady()) {
                            writerQueued.set(true);
                            return Poll.pending();
                        }
                        writerQueued.set(false); // first the flag, then the count (the readers' reverse)
                        writesBegun.incrementAndGet();
                        state[0] = p.value();
                        held[0] = true;
                        cx.waker().wake(); // hold the write lock across one yield
                        return Poll.pending();
                    }
                    ((RwLock.WriteGuard<?>) state[0]).close();
                    state[0] = null;
                    held[0] = false;
                    left[0]--;
                    // Yield so the readers close the gap before the next write.
                    cx.waker().wake();
                    return Poll.pending();
                }
                stop.set(true);
                return Poll.ready(null);
            }));
            StressJoin.joinAll(rt, hs, () -> "writes done " + (writes - left[0]) + ", writer " + writeWaits
                    + ", reads that overtook the queued writer " + overtook.sum() + "; " + lock);
        }
        assertEquals(0, overtook.sum(), "reads that asked after the writer queued but got in before it");
        assertTrue(writeWaits.waited() > writes / 2, "the writer rarely waited behind readers: " + writeWaits);
        assertTrue(readsBehindWriter.sum() > 0, "no reader asked while the writer was queued");
        // Whether a reader behind the writer is woken from the other worker depends on where the scheduler put
        // the tasks; the cross-thread wakes are required by the exclusion test above.
        assertTrue(behindWaits.waited() > 0, "readers behind the writer: " + behindWaits);
    }
}
