package io.cortado.stream;

import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.testing.Gate;
import io.cortado.testing.HandPolled;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Model check of {@link FuturesUnordered}'s wake protocol (rules 1-3): the owner pushes members and polls the set
 * ({@code pollNext}, by hand with a counting waker) while other threads open members' {@link Gate}s, so each
 * member's wake comes from another thread, possibly in the middle of the owner's poll. After each execution the
 * {@code @Validate} step checks that no wake was lost (the set, if its latest poll was Pending and its waker was not
 * woken since, is still Pending), then opens the gates still closed (not the others: a second wake would hide one
 * lost in the race) and drains the set: it never waits with every member ready, and yields every pushed value
 * exactly once, then the end. Counted and asserted: a waiting
 * {@code pollNext} woken by a gate opened on another thread; a gate opened while the owner was polling the set.
 */
class FuturesUnorderedLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();
    static final int MEMBERS = 3;

    public static class Ops {
        final FuturesUnordered<Integer> set = new FuturesUnordered<>();
        final List<Gate<Integer>> gates = List.of(new Gate<>(0), new Gate<>(1), new Gate<>(2));
        /** Owner thread only. */
        final HandPolled<Integer> next = new HandPolled<>(new Future<>() {
            @Override
            public Poll<Integer> poll(io.cortado.Context cx) {
                return set.pollNext(cx);
            }
        });
        final List<Integer> received = new ArrayList<>();
        int pushed;
        /** Whether the owner pushed since its latest poll (a push wakes the set itself). */
        boolean pushedSincePoll;
        volatile boolean polling;
        volatile boolean openedDuringPoll;
        final boolean[] opened = new boolean[MEMBERS];

        @Operation(nonParallelGroup = "owner")
        public void push() {
            if (pushed < MEMBERS) {
                set.push(gates.get(pushed++));
                pushedSincePoll = true;
            }
        }

        @Operation(nonParallelGroup = "owner")
        public void pollNext() {
            boolean woken = next.wokenSincePending() && !pushedSincePoll;
            pushedSincePoll = false;
            polling = true;
            Poll<Integer> p = next.poll();
            polling = false;
            if (p.isReady() && p.value() != null) {
                received.add(p.value());
                if (woken) {
                    REACHED.reached("a waiting pollNext was woken by a gate opened on another thread");
                }
            }
        }

        private void open(int i) {
            opened[i] = true;
            gates.get(i).open();
            if (polling) {
                openedDuringPoll = true;
            }
        }

        @Operation
        public void open0() {
            open(0);
        }

        @Operation
        public void open1() {
            open(1);
        }

        @Operation
        public void open2() {
            open(2);
        }

        @Validate
        public void validate() {
            next.assertNoLostWake("pollNext");
            while (pushed < MEMBERS) {
                push();
            }
            for (int i = 0; i < MEMBERS; i++) {
                if (!opened[i]) { // a gate opened during the race is not opened again: its wake must have counted
                    open(i);
                }
            }
            for (int i = 0; ; i++) {
                if (i > 2 * MEMBERS) {
                    throw new AssertionError("the set does not end; received " + received);
                }
                Poll<Integer> p = next.poll();
                if (!p.isReady()) {
                    throw new AssertionError("pollNext waits although every member is ready; received " + received
                            + ", size " + set.size());
                }
                if (p.value() == null) {
                    break;
                }
                received.add(p.value());
            }
            if (!received.stream().sorted().toList().equals(List.of(0, 1, 2))) {
                throw new AssertionError("each value exactly once: received " + received);
            }
            if (openedDuringPoll) {
                REACHED.reached("a gate was opened while the owner polled the set");
            }
        }
    }

    /** 1 in the default build; 20 with -Pstress. */
    private static int scale() {
        return stressScale();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void noLostWakeEachValueOnce() {
        REACHED.reset();
        // Members pushed before the race, opened while the owner polls.
        LincheckScenario.of(Ops.class).init("push", "push").thread("pollNext", "pollNext", "pollNext")
                .thread("open0").thread("open1").check(400 * scale(), 200 * scale());
        // A push racing the opens: the third member is pushed (and queued) while the others wake.
        LincheckScenario.of(Ops.class).init("push", "push", "pollNext").thread("push", "pollNext", "pollNext")
                .thread("open1", "open2").thread("open0").check(400 * scale(), 200 * scale());
        REACHED.assertReached("a waiting pollNext was woken by a gate opened on another thread",
                "a gate was opened while the owner polled the set");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
