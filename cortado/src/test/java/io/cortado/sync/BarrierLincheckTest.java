package io.cortado.sync;

import io.cortado.Poll;
import io.cortado.testing.HandPolled;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model check of {@link Barrier} (rules 1-2, cancel safety): a barrier of 2 parties and 3 waiters on their own
 * threads, each polled by hand with a counting waker; one of them is cancelled, racing the arrivals of the others.
 * After each execution the {@code @Validate} step checks that no wake was lost (a waiter left Pending whose waker
 * was not woken since is still Pending), polls every woken waiter, and checks: every generation released exactly
 * once (one leader, {@code Ready(true)}, and one follower, {@code Ready(false)}, except a follower cancelled after
 * its release); fewer live waiters than parties are left waiting (two would have been released); and the arrival
 * count is exact: a fresh waiter completes the generation iff exactly one live waiter waits (a cancelled waiter's
 * arrival was withdrawn, and no live one was). Counted and asserted: a waiter cancelled while it waited, then a
 * generation formed by the two others; a waiting waiter woken by a release on another thread.
 */
class BarrierLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public static class Ops {
        final Barrier barrier = new Barrier(2);
        final List<HandPolled<Boolean>> waiters = new ArrayList<>(List.of(
                new HandPolled<>(barrier.await()), new HandPolled<>(barrier.await()),
                new HandPolled<>(barrier.await())));
        /** Per waiter: null while not polled, then "waiting", "leader", "follower" or "cancelled". */
        final String[] state = new String[3];
        /** Whether waiter 2 was cancelled after it arrived and before it completed. */
        volatile boolean cancelledWhileWaiting;
        final AtomicInteger leadersSoFar = new AtomicInteger();
        volatile int leadersAtCancel = -1;

        private void poll(int i) {
            String s = state[i];
            if (s != null && !s.equals("waiting")) {
                return;
            }
            boolean woken = waiters.get(i).wokenSincePending();
            Poll<Boolean> p = waiters.get(i).poll();
            if (!p.isReady()) {
                state[i] = "waiting";
                return;
            }
            state[i] = p.value() ? "leader" : "follower";
            if (p.value()) {
                leadersSoFar.incrementAndGet();
            }
            if (!p.value() && woken) {
                REACHED.reached("a waiting waiter was woken by a release on another thread");
            }
        }

        @Operation
        public void await0() {
            poll(0);
        }

        @Operation
        public void await1() {
            poll(1);
        }

        @Operation
        public void await2() {
            poll(2);
        }

        @Operation
        public void cancel2() {
            if ("waiting".equals(state[2])) {
                cancelledWhileWaiting = true;
                leadersAtCancel = leadersSoFar.get();
            }
            if (state[2] == null || state[2].equals("waiting")) {
                waiters.get(2).future().cancel();
                state[2] = "cancelled";
            }
        }

        @Validate
        public void validate() {
            for (int i = 0; i < 3; i++) {
                if ("waiting".equals(state[i])) {
                    waiters.get(i).assertNoLostWake("waiter " + i);
                    if (waiters.get(i).wokenSincePending()) {
                        poll(i);
                    }
                }
            }
            // Settle: a follower released by the last poll's own release is woken; poll the woken again.
            for (int i = 0; i < 3; i++) {
                if ("waiting".equals(state[i]) && waiters.get(i).wokenSincePending()) {
                    poll(i);
                }
            }
            long leaders = count("leader");
            long followers = count("follower");
            long waiting = count("waiting");
            if (followers > leaders || leaders > followers + (cancelledWhileWaiting ? 1 : 0)) {
                throw new AssertionError("a generation released other than once: " + Arrays.toString(state));
            }
            if (waiting >= 2) {
                throw new AssertionError("two live waiters wait on a barrier of 2: " + Arrays.toString(state));
            }
            HandPolled<Boolean> fresh = new HandPolled<>(barrier.await());
            Poll<Boolean> p = fresh.poll();
            if (p.isReady() != (waiting == 1)) {
                throw new AssertionError("a fresh waiter " + (p.isReady() ? "completed" : "waits") + " with "
                        + waiting + " live waiter(s) waiting: the arrival count is wrong; " + Arrays.toString(state));
            }
            if (waiting == 1) {
                for (int i = 0; i < 3; i++) {
                    if ("waiting".equals(state[i])) {
                        poll(i);
                        if (!"follower".equals(state[i])) {
                            throw new AssertionError("the fresh waiter's release did not release waiter " + i);
                        }
                    }
                }
            }
            if (cancelledWhileWaiting && leadersAtCancel == 0
                    && Arrays.asList(state[0], state[1]).containsAll(List.of("leader", "follower"))) {
                REACHED.reached("a waiter cancelled while waiting, then the two others formed a generation");
            }
        }

        private long count(String s) {
            return Arrays.stream(state).filter(s::equals).count();
        }
    }

    /** 1 in the default build; 20 with -Pstress. */
    private static int scale() {
        return stressScale();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void eachGenerationReleasedOnceNoWaiterStranded() {
        REACHED.reset();
        LincheckScenario.of(Ops.class).thread("await0", "await0").thread("await1", "await1")
                .thread("await2", "cancel2").check(500 * scale(), 200 * scale());
        REACHED.assertReached("a waiter cancelled while waiting, then the two others formed a generation",
                "a waiting waiter was woken by a release on another thread");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
