package io.cortado.internal.sched;

import io.cortado.Poll;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Litmus tests of the multi-thread scheduler's own protocols: {@link Parker} (a thread's park and unpark),
 * {@link LocalQueue} (a worker's run queue against a thief) and {@link Idle} (parked and searching workers against
 * notifiers). Each names the numbered rule of its class that it exercises.
 *
 * <p>This class lives in the core's package {@code io.cortado.internal.sched} because {@link Idle} and
 * {@link InjectQueue} are package-private. The jcstress jar runs everything on the class path (the shaded jar drops
 * {@code module-info}), so the package is shared with the core at compile time and at run time; the core exports
 * nothing for it.
 */
public final class SchedulerProtocols {
    private SchedulerProtocols() {
    }

    /** How long {@link UnparkVsPark}'s owner parks at most, so a lost unpark ends the park instead of the run. */
    static final long PARK_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** Boxed once, so that filling a queue allocates no items. */
    private static final Integer[] ITEMS = new Integer[LocalQueue.CAPACITY + 1];

    static {
        for (int i = 0; i < ITEMS.length; i++) {
            ITEMS[i] = i;
        }
    }

    private static final LocalQueue.Overflow<Integer> NO_OVERFLOW = (items, n) -> {
        throw new AssertionError("the queue never fills in this test");
    };

    private static final Scheduler NO_SCHEDULER = new Scheduler() {
        @Override
        public void schedule(TaskCell<?> task) {
        }

        @Override
        public void yieldTask(TaskCell<?> task) {
        }

        @Override
        public void release(TaskCell<?> task) {
        }
    };

    /**
     * Parker rules 1 and 2: an unpark racing the owner's park is never lost. The owner actor creates the parker (so
     * it is the thread an unpark must wake), publishes it and parks for at most {@link #PARK_LIMIT_NANOS}; the other
     * actor waits for the parker to appear and unparks it, so the unpark lands before the park, inside its CAS
     * window, or while the owner is blocked. The bounded park turns a lost unpark into an outcome instead of a hang.
     * r1: the park returned 0 = on its time limit, with no unpark; 1 = with the unpark, promptly; 2 = with the unpark
     * but only about its time limit after it (the thread slept through the unpark: rule 1's
     * {@code LockSupport.unpark} was skipped or went elsewhere). r2: an unpark is still stored afterwards (the
     * arbiter's non-blocking park consumes it). r3: the unparker found the owner blocked in the park (the race of
     * rule 1's exchange against a parked owner) rather than before it.
     */
    @JCStressTest
    @Outcome(id = "1, 0, 0", expect = ACCEPTABLE, desc = "the unpark came first (stored) or in the CAS window")
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the unpark woke the blocked owner")
    @Outcome(id = {"0, 1, 0", "0, 1, 1"}, expect = ACCEPTABLE,
            desc = "the unparker stalled past the time limit: its unpark is stored for the next park")
    @Outcome(id = {"0, 0, 0", "0, 0, 1"}, expect = FORBIDDEN, desc = "lost unpark: neither consumed nor stored")
    @Outcome(id = {"2, 0, 0", "2, 0, 1"}, expect = FORBIDDEN, desc = "the owner slept through the unpark")
    @Outcome(expect = FORBIDDEN, desc = "anything else (one unpark consumed twice)")
    @State
    public static class UnparkVsPark {
        volatile Thread ownerThread;
        volatile Parker parker;
        volatile long unparkedAt;

        @Actor
        public void owner(III_Result r) {
            ownerThread = Thread.currentThread();
            Parker p = new Parker(); // owned by this thread
            parker = p;
            boolean unparked = p.parkNanos(PARK_LIMIT_NANOS);
            long returned = System.nanoTime();
            if (!unparked) {
                r.r1 = 0;
            } else {
                // the unpark set NOTIFIED after writing unparkedAt, and the park consumed NOTIFIED: it is visible
                r.r1 = returned - unparkedAt < PARK_LIMIT_NANOS / 2 ? 1 : 2;
            }
        }

        @Actor
        public void unparker(III_Result r) {
            Parker p;
            while ((p = parker) == null) {
                Thread.onSpinWait(); // the owner is about to park: it publishes the parker just before
            }
            r.r3 = ownerThread.getState() == Thread.State.TIMED_WAITING ? 1 : 0;
            unparkedAt = System.nanoTime();
            p.unpark();
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r2 = parker.parkNanos(0) ? 1 : 0;
        }
    }

    /**
     * LocalQueue rules 3, 4 and 6: the owner pops twice while a thief steals half of a three-item queue whose
     * positions cross the 32-bit wrap. The thief may claim before, between or after the pops, and the owner may pop
     * while the thief is still copying (rule 4's commit then retries). r1: items the owner popped; r2: items the
     * thief took (the one it returned plus those it moved to its own queue); r3: items not taken exactly once,
     * counting what is left in the queue afterwards as taken.
     */
    @JCStressTest
    @Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "the owner popped first: the thief took half of the rest")
    @Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "the thief claimed two first: the owner popped the third")
    @Outcome(expect = FORBIDDEN, desc = "an item lost, duplicated, or left behind")
    @State
    public static class PopVsSteal {
        final LocalQueue<Integer> queue = new LocalQueue<>(-2);
        final LocalQueue<Integer> thiefQueue = new LocalQueue<>();
        Integer popped1;
        Integer popped2;
        Integer stolen;

        public PopVsSteal() {
            for (int i = 0; i < 3; i++) {
                queue.push(ITEMS[i], NO_OVERFLOW);
            }
        }

        @Actor
        public void owner() {
            popped1 = queue.pop();
            popped2 = queue.pop();
        }

        @Actor
        public void thief() {
            stolen = queue.stealInto(thiefQueue);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            int[] seen = new int[3];
            r.r1 = count(popped1, seen) + count(popped2, seen);
            r.r2 = count(stolen, seen) + drain(thiefQueue, seen);
            drain(queue, seen);
            r.r3 = notOnce(seen);
        }
    }

    /**
     * LocalQueue rules 2, 4 and 5: the owner pushes into a full queue while a thief steals half of it. Either the
     * steal committed first and the push finds room; or the push moves half the queue and the new item to the
     * overflow sink in one claim (rule 5), and the thief steals half of what is left; or the thief has claimed but
     * not yet committed, so the push must not reuse the slots being copied (rule 2) and sends the single item to the
     * sink (rule 4). r1: which of these three the push did (0, 1, 2); r2: items of the 257 not taken exactly once
     * (by the thief, the sink, or the queue's owner afterwards); r3: how many the thief took.
     */
    @JCStressTest
    @Outcome(id = "0, 0, 128", expect = ACCEPTABLE, desc = "the steal committed first: the push found room")
    @Outcome(id = "1, 0, 64", expect = ACCEPTABLE, desc = "the push overflowed half first: the thief took a quarter")
    @Outcome(id = "2, 0, 128", expect = ACCEPTABLE, desc = "a steal in progress: the push overflowed its one item")
    @Outcome(expect = FORBIDDEN, desc = "an item lost or duplicated, or a slot being copied overwritten")
    @State
    public static class OverflowVsSteal {
        private static final int FULL = LocalQueue.CAPACITY;

        final LocalQueue<Integer> queue = new LocalQueue<>(-100); // the ring of positions crosses the 32-bit wrap
        final LocalQueue<Integer> thiefQueue = new LocalQueue<>();
        Object[] overflowed;
        int overflowCount;
        int batches;
        Integer stolen;

        public OverflowVsSteal() {
            for (int i = 0; i < FULL; i++) {
                queue.push(ITEMS[i], NO_OVERFLOW);
            }
        }

        @Actor
        public void owner() {
            queue.push(ITEMS[FULL], (items, n) -> {
                overflowed = items; // a fresh array per hand-over
                overflowCount = n;
                batches++;
            });
        }

        @Actor
        public void thief() {
            stolen = queue.stealInto(thiefQueue);
        }

        @Arbiter
        public void arbiter(III_Result r) {
            int[] seen = new int[FULL + 1];
            r.r3 = count(stolen, seen) + drain(thiefQueue, seen);
            for (int i = 0; i < overflowCount; i++) {
                count((Integer) overflowed[i], seen);
            }
            drain(queue, seen);
            r.r1 = batches == 0 ? 0
                    : batches == 1 && overflowCount == FULL / 2 + 1 ? 1
                    : batches == 1 && overflowCount == 1 ? 2
                    : 9; // any other hand-over
            r.r2 = notOnce(seen);
        }
    }

    private static int count(Integer item, int[] seen) {
        if (item == null) {
            return 0;
        }
        seen[item]++;
        return 1;
    }

    private static int drain(LocalQueue<Integer> q, int[] seen) {
        int n = 0;
        for (Integer item; (item = q.pop()) != null; ) {
            n += count(item, seen);
        }
        return n;
    }

    private static int notOnce(int[] seen) {
        int bad = 0;
        for (int s : seen) {
            if (s != 1) {
                bad++;
            }
        }
        return bad;
    }

    /**
     * Idle rule 3 (with InjectQueue rule 4): the last searching worker parks while a producer pushes a task and
     * notifies. Two workers: worker 1 is parked, worker 0 is the only searcher. The producer's notify sees the
     * searcher and wakes nobody, or sees it gone and wakes a parked worker; so the parking worker, which was the
     * last searcher, must then see the task in its re-check and wake one (as the scheduler's park does). r1: the
     * parking worker's re-check woke a worker; r2: the producer's notify woke a worker; r3: workers still parked.
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the producer saw the searcher; the re-check saw the task")
    @Outcome(id = "0, 1, 1", expect = ACCEPTABLE, desc = "the producer saw no searcher and woke a worker")
    @Outcome(id = "0, 0, 2", expect = FORBIDDEN, desc = "lost notification: a task and every worker parked")
    @Outcome(id = "1, 1, 0", expect = FORBIDDEN, desc = "two workers woken for one task (rule 1)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class ParkVsNotify {
        final Idle idle = new Idle(2);
        final InjectQueue inject = new InjectQueue();
        final TaskCell<?> task = new TaskCell<>(cx -> Poll.pending(), NO_SCHEDULER);

        public ParkVsNotify() {
            idle.transitionToParked(1, false);
            if (!idle.transitionToSearching()) {
                throw new AssertionError("worker 0 may search: no worker searches yet");
            }
        }

        @Actor
        public void lastSearcherParks(III_Result r) {
            if (idle.transitionToParked(0, true) && !inject.isEmpty()) {
                r.r1 = idle.workerToNotify() >= 0 ? 1 : 0;
            }
        }

        @Actor
        public void producer(III_Result r) {
            inject.push(task);
            r.r2 = idle.workerToNotify() >= 0 ? 1 : 0;
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = idle.parkedCount();
        }
    }

    /**
     * Idle rules 1 and 4: a notifier picks the one parked worker while that worker, woken for another reason (a timer
     * or an I/O event), unlists itself. Exactly one of them unlists it: either the notifier, which counts it as
     * unparked and searching (the worker then finds itself unlisted and searches), or the worker itself, and then the
     * notifier finds no parked worker. r1: the notifier got worker 1; r2: the worker unlisted itself; r3: a worker
     * is counted as searching afterwards (the arbiter asks to start searching, which rule 2's cap refuses when one
     * of the two workers already searches).
     */
    @JCStressTest
    @Outcome(id = "1, 0, 1", expect = ACCEPTABLE, desc = "the notifier unlisted the worker first, as a searcher")
    @Outcome(id = "0, 1, 0", expect = ACCEPTABLE, desc = "the worker unlisted itself first, not searching")
    @Outcome(id = {"1, 1, 0", "1, 1, 1"}, expect = FORBIDDEN, desc = "unlisted twice: counted unparked twice")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class NotifyVsSelfUnpark {
        final Idle idle = new Idle(2);

        public NotifyVsSelfUnpark() {
            idle.transitionToParked(1, false); // worker 0 runs a task, worker 1 is parked, nobody searches
        }

        @Actor
        public void notifier(III_Result r) {
            int worker = idle.workerToNotify();
            r.r1 = worker == 1 ? 1 : worker == -1 ? 0 : 9;
        }

        @Actor
        public void worker(III_Result r) {
            r.r2 = idle.unparkById(1) ? 1 : 0;
        }

        @Arbiter
        public void arbiter(III_Result r) {
            r.r3 = idle.transitionToSearching() ? 0 : 1;
        }
    }
}
