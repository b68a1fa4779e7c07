package io.cortado;

import io.cortado.internal.task.TaskCell;
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
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

/**
 * Model check of {@link JoinSet}: the owner's {@code joinNext} (polled by hand with a counting waker) and
 * {@code close}, a runner thread that runs the members' tasks ({@link ManualCore}: no runtime thread, every step
 * under Lincheck's control), and another thread that completes members (opens their gates, so the wake comes from
 * that thread) and aborts one through its abort handle. After each execution the {@code @Validate} step checks:
 * no lost wake-up of a waiting {@code joinNext}; then it completes and runs everything and drains the set: every
 * member's outcome is delivered exactly once (its value, or cancelled only if it was aborted), or, after a
 * {@code close}, every member's task is finished. The races are in hand-written three-thread scenarios, and the
 * states that matter are counted and asserted: a waiting {@code joinNext} woken by a member that completed on the
 * runner thread, an abort that won against the completion, an abort that came too late (the value is delivered).
 */
class JoinSetLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public static class Ops {
        final ManualCore core = new ManualCore();
        final JoinSet<Integer> set = new JoinSet<>(core.handle());
        final Gate<Integer> gate0 = new Gate<>(0);
        final Gate<Integer> gate1 = new Gate<>(1);
        AbortHandle abort1;
        /** Owner thread only. */
        HandPolled<Integer> next;
        final List<Object> outcomes = new ArrayList<>();
        boolean closed;
        volatile boolean aborted1;

        /**
         * The owner spawns both members, as the first operation of every scenario: not in the constructor, which
         * Lincheck runs outside its model, where the set's identity hashes would differ from those seen inside it.
         */
        @Operation(nonParallelGroup = "owner")
        public void spawn() {
            if (abort1 == null) {
                set.spawn(gate0);
                abort1 = set.spawn(gate1);
            }
        }

        @Operation(nonParallelGroup = "owner")
        public void joinNext() {
            if (closed || set.isEmpty()) {
                return;
            }
            boolean wasPending = next != null && next.isPending();
            if (next == null) {
                next = new HandPolled<>(set.joinNext());
            }
            if (take() && wasPending) {
                REACHED.reached("a waiting joinNext was woken by a member completed on the runner");
            }
        }

        /** Polls {@link #next}; records and forgets it when it completed. */
        private boolean take() {
            try {
                Poll<Integer> p = next.poll();
                if (!p.isReady()) {
                    return false;
                }
                outcomes.add(p.value());
            } catch (JoinException e) {
                if (!e.isCancelled()) {
                    throw new AssertionError("a member failed", e);
                }
                outcomes.add("cancelled");
            }
            next = null;
            return true;
        }

        @Operation(nonParallelGroup = "owner")
        public void close() {
            set.close();
            closed = true;
            next = null; // the owner itself gives up its joinNext: no wake is owed to it
        }

        @Operation(nonParallelGroup = "runner")
        public void runOne() {
            core.runOne();
        }

        @Operation
        public void open0() {
            gate0.open();
        }

        @Operation
        public void open1() {
            gate1.open();
        }

        @Operation
        public void abort1() {
            if (abort1 == null) {
                return;
            }
            aborted1 = true;
            abort1.abort();
        }

        @Validate
        public void validate() {
            if (next != null) {
                next.assertNoLostWake("joinNext");
            }
            gate0.open();
            gate1.open();
            core.runAll(10);
            if (closed) {
                for (TaskCell<?> t : core.spawned()) {
                    if (!t.isFinished()) {
                        throw new AssertionError("a member outlived the set's close: " + t);
                    }
                }
            } else {
                for (int i = 0; !set.isEmpty(); i++) {
                    if (i > 3) {
                        throw new AssertionError("the set does not empty; outcomes " + outcomes);
                    }
                    if (next == null) {
                        next = new HandPolled<>(set.joinNext());
                    }
                    if (!take()) {
                        throw new AssertionError("joinNext waits although every member finished: outcomes " + outcomes
                                + ", size " + set.size() + ", tasks " + core.spawned().stream()
                                .map(TaskCell::stateName).toList());
                    }
                }
                if (outcomes.size() != 2) {
                    throw new AssertionError("two members, outcomes " + outcomes);
                }
                try {
                    set.joinNext().poll(Context.of(Waker.noop()));
                    throw new AssertionError("joinNext on an empty set must fail");
                } catch (NoSuchElementException expected) {
                    // the set is empty
                }
            }
            if (!outcomes.contains(0) && !closed) {
                throw new AssertionError("member 0 (never aborted) was not delivered: " + outcomes);
            }
            if (outcomes.stream().filter(o -> o.equals(0)).count() > 1
                    || outcomes.stream().filter(o -> o.equals(1)).count() > 1
                    || outcomes.stream().filter(o -> o.equals("cancelled")).count() > (aborted1 ? 1 : 0)
                    || (outcomes.contains(1) && outcomes.contains("cancelled"))) {
                throw new AssertionError("an outcome delivered twice, or a cancellation without an abort: "
                        + outcomes);
            }
            if (aborted1 && !closed) {
                REACHED.reached(outcomes.contains(1) ? "an abort came after the completion: the value is delivered"
                        : "an abort won against the completion: cancelled");
            }
        }
    }

    /** The first scenario's operations in one sequential order, outside Lincheck. */
    @Test
    void sequentialReplay() {
        Ops o = new Ops();
        o.spawn();
        o.runOne();
        o.runOne();
        o.joinNext();
        o.joinNext();
        o.open0();
        o.abort1();
        o.open1();
        o.validate();
    }

    /**
     * Each written scenario alone (a random one would run before the spawn), model checked over
     * {@code 150 * stressScale()} interleavings and stressed {@code 100 * stressScale()} times. The first reaches a
     * waiting {@code joinNext} woken by a completion on the runner and the abort that wins; the third, whose member 0
     * completed before the race, the abort that comes after member 1's completion (the runner's first step runs
     * member 1, opened and then aborted by the other thread). Those states are counted by the model checker's
     * invocations: before {@link ReachedStates} kept them (Lincheck restores static memory after each model-checked
     * invocation), only the stress runs counted, and those rarely produced the last two states.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void everyOutcomeOnce() {
        REACHED.reset();
        LincheckScenario[] scenarios = {
                LincheckScenario.of(Ops.class).init("spawn", "runOne", "runOne").thread("joinNext", "joinNext")
                        .thread("runOne", "runOne").thread("open0", "abort1", "open1"),
                LincheckScenario.of(Ops.class).init("spawn", "runOne", "runOne").thread("joinNext", "close")
                        .thread("runOne", "runOne").thread("open0", "open1"),
                LincheckScenario.of(Ops.class).init("spawn", "runOne", "runOne", "open0", "runOne")
                        .thread("joinNext", "joinNext").thread("runOne", "runOne").thread("open1", "abort1"),
        };
        for (LincheckScenario s : scenarios) {
            s.check(150 * stressScale(), 100 * stressScale());
        }
        REACHED.assertReached("a waiting joinNext was woken by a member completed on the runner",
                "an abort won against the completion: cancelled",
                "an abort came after the completion: the value is delivered");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
