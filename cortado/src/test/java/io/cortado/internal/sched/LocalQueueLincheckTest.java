package io.cortado.internal.sched;

import io.cortado.testing.LincheckBudget;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Model check of {@link LocalQueue} (rules 1-6): the owner pushes and pops on one thread, two thieves steal on two
 * others, in a queue of {@value #CAPACITY} slots whose positions start near the 32-bit wrap-around, so that the
 * queue fills and overflows, positions wrap, and the thieves meet each other and the owner. The operations do not
 * return their items (a steal that finds another thief at work gives up by design, and a push that meets a steal
 * in progress overflows one item instead of half: neither is a sequential queue's behaviour); each records what it
 * took, and the {@code @Validate} step drains the queue and checks the ledger after every execution:
 * <ul>
 *   <li>every pushed item is taken exactly once: popped, stolen, overflowed, or left in the queue;</li>
 *   <li>FIFO: the owner pops in push order; a steal takes a run of consecutive items, at most half the capacity;
 *       an overflow moves either half the capacity of consecutive items plus the new one, or the new one alone;</li>
 *   <li>once drained the queue is empty and has all its capacity back.</li>
 * </ul>
 * The scenarios are written by hand (owner, thief, thief) so the races are explored for certain; random scenarios
 * of three threads follow. Counted and asserted: an overflow of half the queue into the inject queue; an overflow
 * of the new item alone because a steal was copying; a pop and a steal racing for the last item, each way; a steal
 * that gave up because another steal was copying. {@code size()} is not an operation: it is a documented snapshot.
 */
class LocalQueueLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();
    /** Small, so that a few pushes fill the queue. */
    static final int CAPACITY = 4;
    static final int HALF = CAPACITY / 2;

    /** What one operation took, and when it ran on a logical clock (to tell which operations overlapped). */
    record Event(String kind, int start, int end, List<Integer> items, int pushesBefore) {
        boolean overlaps(Event o) {
            return start < o.end && o.start < end;
        }
    }

    public static class Ops {
        final LocalQueue<Integer> queue = new LocalQueue<>(-3, CAPACITY);
        final AtomicInteger clock = new AtomicInteger();
        final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
        /** Owner only: the next item to push (items are 0, 1, 2, ...). */
        int pushed;
        /** Owner only: the overflow batches, in order. */
        final List<List<Integer>> overflowed = new ArrayList<>();

        @Operation(nonParallelGroup = "owner")
        public void push() {
            int item = pushed++;
            int start = clock.incrementAndGet();
            queue.push(item, (items, n) -> {
                List<Integer> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add((Integer) items[i]);
                }
                overflowed.add(batch);
            });
            events.add(new Event("push", start, clock.incrementAndGet(), List.of(), item));
        }

        @Operation(nonParallelGroup = "owner")
        public void pop() {
            int before = pushed;
            int start = clock.incrementAndGet();
            Integer x = queue.pop();
            int end = clock.incrementAndGet();
            events.add(new Event("pop", start, end, x == null ? List.of() : List.of(x), before));
        }

        /** Steals into a fresh queue of the same capacity (as a worker does into its own). */
        @Operation
        public void steal() {
            LocalQueue<Integer> dst = new LocalQueue<>(0, CAPACITY);
            int start = clock.incrementAndGet();
            Integer first = queue.stealInto(dst);
            int end = clock.incrementAndGet();
            List<Integer> got = new ArrayList<>();
            for (Integer x; (x = dst.pop()) != null; ) {
                got.add(x);
            }
            if (first != null) {
                got.add(first); // the item handed back to run at once is the last of the batch
            }
            events.add(new Event("steal", start, end, got, -1));
        }

        @Validate
        public void validate() {
            List<Integer> drained = new ArrayList<>();
            for (Integer x; (x = queue.pop()) != null; ) {
                drained.add(x);
            }
            if (queue.size() != 0 || queue.remainingCapacity() != CAPACITY) {
                throw new AssertionError("drained, yet size " + queue.size() + ", room " + queue.remainingCapacity());
            }
            int[] taken = new int[pushed];
            List<Integer> popped = new ArrayList<>();
            for (Event e : events) {
                e.items.forEach(x -> taken[x]++);
                if (e.kind.equals("pop")) {
                    popped.addAll(e.items);
                } else if (e.kind.equals("steal")) {
                    checkRun("a steal", e.items, e.items.size());
                    if (e.items.size() > HALF) {
                        throw new AssertionError("a steal took more than half: " + e.items);
                    }
                }
            }
            for (List<Integer> b : overflowed) {
                b.forEach(x -> taken[x]++);
                if (b.size() != 1 && b.size() != HALF + 1) {
                    throw new AssertionError("an overflow of " + b.size() + " items: " + b);
                }
                checkRun("an overflow", b, b.size() - 1);
                if (b.get(b.size() - 1) < b.get(0)) {
                    throw new AssertionError("an overflow's new item is older than its batch: " + b);
                }
            }
            drained.forEach(x -> taken[x]++);
            popped.addAll(drained);
            for (int i = 0; i < pushed; i++) {
                if (taken[i] != 1) {
                    throw new AssertionError("item " + i + " taken " + taken[i] + " times: events " + events
                            + ", overflowed " + overflowed + ", drained " + drained);
                }
            }
            if (!popped.equals(popped.stream().sorted().toList())) {
                throw new AssertionError("the owner popped out of push order: " + popped);
            }
            count();
        }

        /** The first {@code n} items are consecutive, in order. */
        private static void checkRun(String what, List<Integer> items, int n) {
            for (int i = 1; i < n; i++) {
                if (items.get(i) != items.get(i - 1) + 1) {
                    throw new AssertionError(what + " took items that are not a run from the head: " + items);
                }
            }
        }

        private void count() {
            for (List<Integer> b : overflowed) {
                REACHED.reached(b.size() == 1 ? "a push overflowed the new item alone while a steal was copying"
                        : "a full queue moved half its items and the new one to the inject queue");
            }
            List<Event> steals = events.stream().filter(e -> e.kind.equals("steal")).toList();
            List<Event> pops = events.stream().filter(e -> e.kind.equals("pop")).toList();
            // A pop whose owner had pushed one item in all, overlapping a steal: the two raced for that item.
            for (Event p : pops) {
                if (p.pushesBefore == 1 && p == pops.get(0)) {
                    for (Event s : steals) {
                        if (s.overlaps(p) && s.items.contains(0)) {
                            REACHED.reached("a steal took the last item racing a pop");
                        } else if (s.overlaps(p) && p.items.contains(0)) {
                            REACHED.reached("a pop took the last item racing a steal");
                        }
                    }
                }
            }
            // Two steals and no pop, with two items or more queued before them: each steal leaves at least one
            // item behind (it takes half, rounded up, of two or more) and an overflow leaves half the capacity, so
            // a steal that came back empty found the other one copying and gave up (rule 4).
            int firstSteal = steals.stream().mapToInt(Event::start).min().orElse(0);
            long pushedBeforeSteals = events.stream().filter(e -> e.kind.equals("push") && e.end < firstSteal).count();
            if (pops.isEmpty() && steals.size() == 2 && pushedBeforeSteals >= 2
                    && steals.get(0).overlaps(steals.get(1))
                    && steals.stream().anyMatch(s -> s.items.isEmpty())) {
                REACHED.reached("a steal gave up because another steal was copying");
            }
        }
    }

    /** A sequential replay of the first scenario outside Lincheck: overflow of half, then steals. */
    @Test
    void sequentialReplay() {
        Ops o = new Ops();
        for (int i = 0; i < CAPACITY + 1; i++) {
            o.push();
        }
        assertEquals(List.of(List.of(0, 1, CAPACITY)), o.overflowed);
        o.steal();
        o.pop();
        o.validate();
    }

    /**
     * The written scenarios, then random scenarios of three threads, three operations each, with
     * {@link LincheckBudget}'s budgets (each state below is reached dozens of times by the quick one).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyItemTakenOnceInOrder() {
        REACHED.reset();
        LincheckScenario[] scenarios = {
                // a full queue: the owner's pushes overflow half, or one item while a steal copies
                LincheckScenario.of(Ops.class).init("push", "push", "push", "push")
                        .thread("push", "pop", "push").thread("steal").thread("steal"),
                // one item: a pop and two steals race for it
                LincheckScenario.of(Ops.class).init("push").thread("pop", "push", "pop").thread("steal")
                        .thread("steal"),
                // three items, the owner only pushes: the thieves meet
                LincheckScenario.of(Ops.class).init("push", "push", "push").thread("push", "push")
                        .thread("steal").thread("steal"),
        };
        LincheckBudget.scenarios(scenarios);
        LincheckBudget.random(Ops.class);
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a full queue moved half its items and the new one to the inject queue",
                "a push overflowed the new item alone while a steal was copying",
                "a steal took the last item racing a pop", "a pop took the last item racing a steal",
                "a steal gave up because another steal was copying");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket; the runtime is not involved here
    }
}
