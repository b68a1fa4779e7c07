package io.cortado.sync;

import io.cortado.Poll;
import io.cortado.testing.HandPolled;
import io.cortado.testing.LincheckBudget;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Model check of {@link Broadcast}'s asynchronous receive path (rules 2-4): one receiver's {@code recv} (polled by
 * hand with a counting waker) races sends from two senders on other threads, with a ring of capacity 1 or 2 so
 * that the receiver falls behind. After each execution the {@code @Validate} step checks that no wake was lost
 * (a {@code recv} left Pending whose waker was not woken since is still Pending), then closes both senders and
 * drains: {@code recv} never waits once every sender is closed, and the ledger holds: the messages received are
 * distinct, each was sent, those from one sender come in its order, and received plus reported lag equals sent.
 * Counted and asserted: a waiting {@code recv} woken by a send; a lag reported during the race. Also
 * ({@link TryOps}): linearizability of {@code send} and two receivers' {@code tryRecv} from three threads.
 */
class BroadcastLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public abstract static class Ops {
        final Broadcast.Channel<Integer> ch = Broadcast.channel(capacity());
        final Broadcast.Sender<Integer> a = ch.sender();
        final Broadcast.Sender<Integer> b = a.duplicate();
        final AtomicInteger nextValue = new AtomicInteger();
        final ConcurrentLinkedQueue<Integer> sent = new ConcurrentLinkedQueue<>();
        /** Receiver thread only. */
        HandPolled<Integer> rx;
        final List<Integer> received = new ArrayList<>();
        long lagged;
        boolean ended;

        abstract int capacity();

        /** Polls the current recv (a new one after each outcome); returns whether it completed. */
        private boolean pollRecv() {
            if (rx == null) {
                rx = new HandPolled<>(ch.receiver().recv());
            }
            boolean woken = rx.wokenSincePending();
            Poll<Integer> p;
            try {
                p = rx.poll();
            } catch (Broadcast.LaggedException e) {
                lagged += e.missed();
                rx = null;
                return true;
            }
            if (!p.isReady()) {
                return false;
            }
            rx = null;
            if (p.value() == null) {
                ended = true;
            } else {
                received.add(p.value());
                if (woken) {
                    REACHED.reached("a waiting recv was woken by a send");
                }
            }
            return true;
        }

        @Operation(nonParallelGroup = "receiver")
        public void recv() {
            if (!ended) {
                long before = lagged;
                pollRecv();
                if (lagged > before) {
                    REACHED.reached("a lag was reported during the race");
                }
            }
        }

        private void send(Broadcast.Sender<Integer> s, int sender) {
            int v = sender * 100 + nextValue.incrementAndGet();
            s.send(v);
            sent.add(v);
        }

        @Operation
        public void sendA() {
            send(a, 1);
        }

        @Operation
        public void sendB() {
            send(b, 2);
        }

        @Validate
        public void validate() {
            if (rx != null) {
                rx.assertNoLostWake("recv");
            }
            a.close();
            b.close();
            for (int i = 0; !ended; i++) {
                if (i > sent.size() + 3) {
                    throw new AssertionError("the receiver does not end; received " + received + ", sent " + sent);
                }
                if (!pollRecv()) {
                    throw new AssertionError("recv waits after every sender closed; received " + received
                            + ", lagged " + lagged + ", sent " + sent);
                }
            }
            Set<Integer> got = new TreeSet<>(received);
            if (got.size() != received.size() || !sent.containsAll(got)) {
                throw new AssertionError("received " + received + " of sent " + sent);
            }
            for (int sender = 1; sender <= 2; sender++) {
                int s = sender;
                List<Integer> mine = received.stream().filter(v -> v / 100 == s).toList();
                if (!mine.equals(mine.stream().sorted().toList())) {
                    throw new AssertionError("sender " + s + "'s messages out of order: " + received);
                }
            }
            if (received.size() + lagged != sent.size()) {
                throw new AssertionError("received " + received + " plus lag " + lagged + " is not the "
                        + sent.size() + " sent " + sent);
            }
        }
    }

    public static class Capacity1 extends Ops {
        @Override
        int capacity() {
            return 1;
        }
    }

    public static class Capacity2 extends Ops {
        @Override
        int capacity() {
            return 2;
        }
    }

    /** 1 in the default build; 20 with -Pstress. */
    private static int scale() {
        return stressScale();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void noLostWakeAndEveryMessageReceivedOrCountedAsLag() {
        REACHED.reset();
        LincheckScenario.of(Capacity1.class).thread("recv", "recv").thread("sendA", "sendA").thread("sendB")
                .check(250 * scale(), 100 * scale());
        LincheckScenario.of(Capacity2.class).thread("recv", "recv", "recv").thread("sendA", "sendA")
                .thread("sendB", "sendB").check(250 * scale(), 100 * scale());
        REACHED.assertReached("a waiting recv was woken by a send", "a lag was reported during the race");
    }

    /** {@code send} from any thread; two receivers' {@code tryRecv}, each read by its own thread. */
    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class TryOps {
        private final Broadcast.Channel<Integer> ch = Broadcast.channel(2);
        private final Broadcast.Receiver<Integer> second = ch.sender().subscribe();

        @Operation
        public void send(@Param(name = "v") int v) {
            ch.sender().send(v);
        }

        @Operation(nonParallelGroup = "first")
        public String recvFirst() {
            return read(ch.receiver());
        }

        @Operation(nonParallelGroup = "second")
        public String recvSecond() {
            return read(second);
        }

        private static String read(Broadcast.Receiver<Integer> r) {
            try {
                return String.valueOf(r.tryRecv());
            } catch (Broadcast.LaggedException e) {
                return "lagged " + e.missed();
            }
        }
    }

    /**
     * Linearizability of {@code send} and {@code tryRecv} (lag included): random scenarios of three threads,
     * {@link LincheckBudget#linearizable}'s budget.
     */
    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void tryRecvIsLinearizable() {
        LincheckBudget.linearizable(TryOps.class);
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
