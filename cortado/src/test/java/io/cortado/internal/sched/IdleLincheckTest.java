package io.cortado.internal.sched;

import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model check of {@link Idle}'s rules with the real {@link Idle} and {@link Parker}s on real threads, explored by
 * Lincheck's general-purpose model checker ({@code Lincheck.runConcurrentTest}). The workers run the idle part of
 * {@code MultiThreadScheduler}'s loop (take from the shared queue; else start searching if the cap allows, look
 * again, and park, re-checking the queue when they were the last searcher; a worker that finds a task while
 * searching stops searching and, if it was the last searcher, wakes another) against producers that push a task
 * and then notify (rule 1). The queue is a counter: which task runs is not the point, that one runs is.
 *
 * <p>The test's main thread parks until every task has run; a lost notification leaves the workers and the main
 * thread parked for good, which Lincheck reports as a hang with the interleaving. Each test counts, over all
 * explored interleavings, that the rules' cases really happened: a notification that woke a parked worker (rule 1),
 * a worker refused the searching state by the cap (rule 2), the last searcher's re-check finding work when it parks
 * and its wake-up of another worker when it found a task (rule 3), and a spurious wake of a still-listed worker
 * (rule 4, from the shutdown at the end); it fails if one of them never happened.
 *
 * <p>Quick form: 2 workers and one producer of 2 tasks (2,000 invocations), then 3 workers and two producers of one
 * task each (1,000 invocations), about 10 s each; {@code -Pstress} multiplies the invocations by
 * {@code cortado.stress.scale}.
 *
 * <p>Checked: {@code transitionToParked} never reporting the last searcher (rule 3 broken) makes both tests report
 * a hang within seconds.
 */
class IdleLincheckTest extends RuntimeTestBase {

    /**
     * Cases of the rules seen over all explored interleavings. The counters are made outside the model-checked
     * body and captured by it directly: Lincheck restores what the body changes in objects it can reach
     * otherwise, which would reset them after every invocation.
     */
    private record Seen(AtomicInteger notifyWoke, AtomicInteger searchRefused, AtomicInteger lastSearcherRecheck,
                        AtomicInteger lastSearcherHandOff, AtomicInteger spuriousWake) {
        static void check(AtomicInteger notifyWoke, AtomicInteger searchRefused, AtomicInteger lastSearcherRecheck,
                          AtomicInteger lastSearcherHandOff, AtomicInteger spuriousWake) {
            assertTrue(notifyWoke.get() > 0, "never explored: a notification waking a parked worker (rule 1)");
            assertTrue(searchRefused.get() > 0, "never explored: the searching cap refusing a worker (rule 2)");
            assertTrue(lastSearcherRecheck.get() > 0,
                    "never explored: the last searcher parking and finding work on its re-check (rule 3)");
            assertTrue(lastSearcherHandOff.get() > 0,
                    "never explored: the last searcher finding a task and waking another worker (rule 3)");
            assertTrue(spuriousWake.get() > 0, "never explored: a wake of a worker still listed as parked (rule 4)");
        }
    }

    /** One invocation: the pool's shared state. */
    private static final class Pool {
        final int workers;
        final int tasks;
        final Seen seen;
        final Idle idle;
        final AtomicReferenceArray<Parker> parkers;
        final AtomicInteger queue = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicBoolean shutdown = new AtomicBoolean();
        final Parker main = new Parker();

        Pool(int workers, int tasks, Seen seen) {
            this.workers = workers;
            this.tasks = tasks;
            this.seen = seen;
            this.idle = new Idle(workers);
            this.parkers = new AtomicReferenceArray<>(workers);
        }

        boolean take() {
            for (int q = queue.get(); q > 0; q = queue.get()) {
                if (queue.compareAndSet(q, q - 1)) {
                    return true;
                }
            }
            return false;
        }

        /** MultiThreadScheduler.notifyParked. */
        boolean notifyParked() {
            int idx = idle.workerToNotify();
            if (idx < 0) {
                return false;
            }
            seen.notifyWoke().incrementAndGet();
            parkers.get(idx).unpark();
            return true;
        }

        void produce(int n) {
            for (int i = 0; i < n; i++) {
                queue.incrementAndGet();
                notifyParked();
            }
        }

        void run() {
            if (done.incrementAndGet() == tasks) {
                main.unpark();
            }
        }

        /** The idle part of MultiThreadScheduler's worker loop (nextTask, steal, runTask, park). */
        void worker(int index) {
            Parker me = new Parker();
            parkers.set(index, me); // before the worker can be listed as parked
            boolean searching = false;
            while (!shutdown.get()) {
                if (!take()) {
                    if (!searching) {
                        if (idle.transitionToSearching()) {
                            searching = true;
                        } else {
                            seen.searchRefused().incrementAndGet();
                        }
                    }
                    if (!searching || !take()) {
                        // park (MultiThreadScheduler.park)
                        if (idle.transitionToParked(index, searching) && queue.get() > 0) {
                            seen.lastSearcherRecheck().incrementAndGet();
                            notifyParked();
                        }
                        searching = false;
                        for (; ; ) {
                            if (shutdown.get()) {
                                if (!idle.unparkById(index)) {
                                    searching = true; // a notifier unlisted it first (as MultiThreadScheduler)
                                }
                                break;
                            }
                            me.park();
                            if (!idle.isParked(index)) {
                                searching = true; // the notifier counted this worker as searching (rule 1)
                                break;
                            }
                            seen.spuriousWake().incrementAndGet();
                        }
                        continue;
                    }
                }
                // runTask
                if (searching) {
                    searching = false;
                    if (idle.transitionFromSearching()) {
                        if (notifyParked()) {
                            seen.lastSearcherHandOff().incrementAndGet();
                        }
                    }
                }
                run();
            }
            if (searching) {
                idle.transitionFromSearching(); // so the final state can be checked: nobody searches
            }
        }

        void shutdown() {
            shutdown.set(true);
            for (int i = 0; i < workers; i++) {
                Parker p = parkers.get(i);
                if (p != null) {
                    p.unpark();
                }
            }
        }
    }

    /** Idle's state word ({@code unparked << 16 | searching}). */
    static int stateOf(Idle idle) {
        try {
            java.lang.reflect.Field f = Idle.class.getDeclaredField("state");
            f.setAccessible(true);
            return ((AtomicInteger) f.get(idle)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static void scenario(int workers, int[] producers, Seen seen) {
        int tasks = 0;
        for (int n : producers) {
            tasks += n;
        }
        Pool pool = new Pool(workers, tasks, seen);
        Thread[] threads = new Thread[workers + producers.length];
        for (int i = 0; i < workers; i++) {
            int index = i;
            threads[i] = new Thread(() -> pool.worker(index));
        }
        for (int i = 0; i < producers.length; i++) {
            int n = producers[i];
            threads[workers + i] = new Thread(() -> pool.produce(n));
        }
        for (Thread t : threads) {
            t.start();
        }
        while (pool.done.get() < tasks) {
            pool.main.park(); // a lost notification parks this thread for good: Lincheck reports the hang
        }
        pool.shutdown();
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        if (pool.queue.get() != 0 || pool.done.get() != tasks) {
            throw new AssertionError("tasks left: " + pool.queue.get() + ", run: " + pool.done.get());
        }
        int state = stateOf(pool.idle);
        if (pool.idle.parkedCount() != 0 || state != workers << 16) {
            throw new AssertionError("the idle state did not return to " + workers + " unparked, none searching: "
                    + (state >>> 16) + " unparked, " + (state & 0xFFFF) + " searching, "
                    + pool.idle.parkedCount() + " listed");
        }
    }

    private static void explore(int invocations, int workers, int[] producers) {
        AtomicInteger notifyWoke = new AtomicInteger();
        AtomicInteger searchRefused = new AtomicInteger();
        AtomicInteger lastSearcherRecheck = new AtomicInteger();
        AtomicInteger lastSearcherHandOff = new AtomicInteger();
        AtomicInteger spuriousWake = new AtomicInteger();
        Lincheck.runConcurrentTest(invocations, () -> scenario(workers, producers, new Seen(notifyWoke, searchRefused,
                lastSearcherRecheck, lastSearcherHandOff, spuriousWake)));
        Seen.check(notifyWoke, searchRefused, lastSearcherRecheck, lastSearcherHandOff, spuriousWake);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void twoWorkersOneProducerOfTwoTasks() {
        explore(2_000 * stressScale(), 2, new int[] {2});
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void threeWorkersTwoProducers() {
        explore(1_000 * stressScale(), 3, new int[] {1, 1});
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }
}
