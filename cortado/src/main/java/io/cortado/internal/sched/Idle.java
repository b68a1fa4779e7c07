package io.cortado.internal.sched;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which workers are parked and how many are searching for work: the coordination that lets an idle pool park
 * every thread (no spinning core) while never leaving runnable work unattended. Tokio's {@code idle.rs}.
 *
 * <h2>State</h2>
 * One int: {@code unparked << 16 | searching}. {@link #sleepers} (guarded by its monitor) lists parked workers.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Notify only when useful.</b> Work made available (a remote spawn, a task pushed to a local queue) wakes a
 *       parked worker only when no worker is searching: a searching worker will find the work itself. The waker
 *       re-checks under the sleepers lock and counts the woken worker as unparked <i>and searching</i> before it
 *       unparks it, so two producers do not wake two workers for one task.</li>
 *   <li><b>Cap on searching.</b> At most half of the workers search at once ({@link #transitionToSearching}); the
 *       rest park or run tasks, so stealing does not turn into contention.</li>
 *   <li><b>The last searcher re-checks.</b> A worker that stops searching (found a task, or parks) and was the
 *       last searcher must make sure no work is left unattended: when it found a task it wakes another worker to
 *       search on; when it parks, it re-checks every queue first and wakes a worker if it finds work. This closes
 *       the race "producer saw a searcher, the searcher then gave up". The state is read and written with volatile
 *       (sequentially consistent) atomics on both sides, which is the StoreLoad pair that argument needs.</li>
 *   <li><b>Parked means listed.</b> A worker is parked exactly while it is in {@link #sleepers}; a wake-up that
 *       finds it still listed was spurious and it parks again.</li>
 * </ol>
 * Guarded by {@code MultiThreadStressTest} (millions of tasks, none lost, idle workers park), the behaviour
 * suite run on the multi-thread runtime, {@code IdleLincheckTest} (a model check of rules 1–4 with real
 * parkers: workers searching, parking and re-checking against producers that notify; no task left unattended, the
 * state word back to all-unparked, each rule's case counted as explored) and the jcstress litmus tests
 * {@code SchedulerProtocols.ParkVsNotify} (rule 3 against rule 1) and {@code NotifyVsSelfUnpark} (rules 1 and 4).
 */
final class Idle {
    private static final int UNPARK_SHIFT = 16;
    private static final int SEARCH_MASK = (1 << UNPARK_SHIFT) - 1;

    private final AtomicInteger state;
    private final int workers;
    private final int[] sleepers;
    private int sleeperCount;

    Idle(int workers) {
        this.workers = workers;
        this.state = new AtomicInteger(workers << UNPARK_SHIFT);
        this.sleepers = new int[workers];
    }

    private static int searching(int s) {
        return s & SEARCH_MASK;
    }

    private static int unparked(int s) {
        return s >>> UNPARK_SHIFT;
    }

    /** Rule 1: returns a parked worker to wake, already counted as unparked and searching, or -1. */
    int workerToNotify() {
        if (!notifyShouldWakeUp()) {
            return -1;
        }
        synchronized (sleepers) {
            if (!notifyShouldWakeUp() || sleeperCount == 0) {
                return -1;
            }
            state.addAndGet((1 << UNPARK_SHIFT) | 1);
            return sleepers[--sleeperCount];
        }
    }

    private boolean notifyShouldWakeUp() {
        int s = state.get();
        return searching(s) == 0 && unparked(s) < workers;
    }

    /**
     * The worker parks (rules 3, 4).
     *
     * @return whether it was the last searching worker (the caller must then re-check for work)
     */
    boolean transitionToParked(int worker, boolean isSearching) {
        synchronized (sleepers) {
            int delta = (1 << UNPARK_SHIFT) | (isSearching ? 1 : 0);
            int prev = state.getAndAdd(-delta);
            sleepers[sleeperCount++] = worker;
            return isSearching && searching(prev) == 1;
        }
    }

    /** Rule 2: {@code true} if the worker may start searching (and is now counted as searching). */
    boolean transitionToSearching() {
        int s = state.get();
        if (2 * searching(s) >= workers) {
            return false;
        }
        state.incrementAndGet();
        return true;
    }

    /** Rule 3: the worker stops searching; {@code true} if it was the last searcher. */
    boolean transitionFromSearching() {
        int prev = state.getAndDecrement();
        return searching(prev) == 1;
    }

    /** Rule 4: whether the worker is still listed as parked. */
    boolean isParked(int worker) {
        synchronized (sleepers) {
            for (int i = 0; i < sleeperCount; i++) {
                if (sleepers[i] == worker) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * Unlists a parked worker woken for another reason (shutdown, a timer), counting it as unparked (not searching).
     *
     * @return {@code false} if it was not listed: a notifier unlisted it first and counted it as searching
     */
    boolean unparkById(int worker) {
        synchronized (sleepers) {
            for (int i = 0; i < sleeperCount; i++) {
                if (sleepers[i] == worker) {
                    sleepers[i] = sleepers[--sleeperCount];
                    state.addAndGet(1 << UNPARK_SHIFT);
                    return true;
                }
            }
            return false;
        }
    }

    /** @return whether every worker is parked (a snapshot) */
    boolean allParked() {
        return unparked(state.get()) == 0;
    }

    /** @return the number of parked workers (a snapshot) */
    int parkedCount() {
        synchronized (sleepers) {
            return sleeperCount;
        }
    }
}
