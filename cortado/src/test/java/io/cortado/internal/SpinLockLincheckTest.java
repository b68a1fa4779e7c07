package io.cortado.internal;

import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual exclusion and "no lost unlock" of {@link SpinLock}: a plain (non-volatile) counter and a plain two-field
 * pair are updated only under the lock, taken with {@link SpinLock#lock} or by spinning on {@link SpinLock#tryLock}.
 * Lincheck checks that every result is that of some sequential order: two holders at once lose an increment or
 * tear the pair; an unlock that does not free the lock hangs the next taker, which Lincheck reports. Model checking
 * explores interleavings (sequentially consistent, so it cannot see the release store's ordering); stress mode runs
 * the same operations on real threads, where a too-weak unlock would let the next holder read a stale counter.
 * {@link #contendedIncrementsOnRealThreads} counts that the lock really was contended (failed {@code tryLock}s)
 * while no increment was lost. On x86 (total store order) neither stress form can show a too-weak unlock; that
 * would take a litmus test on a weakly ordered machine.
 *
 * <p>Checked: a {@code tryLock} that reads then writes instead of one CAS fails all three tests.
 */
public class SpinLockLincheckTest extends RuntimeTestBase {
    private final SpinLock lock = new SpinLock();
    private int counter;
    private int left;
    private int right;

    @Operation
    public int increment() {
        lock.lock();
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    @Operation
    public int incrementWithTryLock() {
        while (!lock.tryLock()) {
            Thread.onSpinWait();
        }
        try {
            return ++counter;
        } finally {
            lock.unlock();
        }
    }

    /** Writes the pair in two steps under the lock; a reader outside mutual exclusion could see it torn. */
    @Operation
    public void movePair() {
        lock.lock();
        try {
            left++;
            right++;
        } finally {
            lock.unlock();
        }
    }

    @Operation
    public String readPair() {
        lock.lock();
        try {
            return left == right ? "even " + left : "torn " + left + "/" + right;
        } finally {
            lock.unlock();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void modelChecking() {
        new ModelCheckingOptions().iterations(20 * scale()).invocationsPerIteration(500)
                .threads(3).actorsPerThread(3).check(getClass());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void stress() {
        new StressOptions().iterations(20 * scale()).invocationsPerIteration(1_000)
                .threads(3).actorsPerThread(3).check(getClass());
    }

    /**
     * Four threads increment a plain counter under the lock, half through {@code lock()} and half by spinning on
     * {@code tryLock()}: none is lost, and the lock was contended (a {@code tryLock} failed) in the run.
     */
    @Test
    void contendedIncrementsOnRealThreads() throws Exception {
        int perThread = 200_000 * stressScale();
        SpinLock l = new SpinLock();
        long[] count = new long[1];
        AtomicLong failedTries = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean viaTry = t % 2 == 0;
            threads.add(Thread.ofPlatform().start(() -> {
                long failed = 0;
                for (int i = 0; i < perThread; i++) {
                    if (viaTry) {
                        while (!l.tryLock()) {
                            failed++;
                            Thread.onSpinWait();
                        }
                    } else {
                        l.lock();
                    }
                    count[0]++;
                    l.unlock();
                }
                failedTries.addAndGet(failed);
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(4L * perThread, count[0], "an increment was lost: two holders at once");
        assertTrue(failedTries.get() > 0, "the lock was never contended: the test proved nothing");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }

    private static int scale() {
        return Math.max(1, stressScale() / 4);
    }
}
