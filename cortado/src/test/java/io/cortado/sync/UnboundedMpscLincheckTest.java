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
 * Model checks of an unbounded {@link Mpsc} channel.
 * <ul>
 *   <li>{@link Ends}: two senders, each on its own thread, send and close, while the receiver's {@code recv}
 *       (polled by hand with a counting waker) waits on a third (rules 1, 2, 4, 7). Checked after every execution:
 *       no lost wake-up (a {@code recv} left Pending whose waker was not woken since is still Pending); the stream
 *       ended only after both senders closed; then (drained) every message sent is received exactly once, each
 *       sender's in its order, and the stream ends iff both senders closed. Counted and asserted: a waiting
 *       {@code recv} woken by a send, a waiting {@code recv} woken by the last sender's close (the end).</li>
 *   <li>{@link Linearizable}: {@code send} from any thread, one sender closed racing the consumer's
 *       {@code tryRecv} and end check: linearizable against the channel's own sequential behaviour (random
 *       scenarios of three threads).</li>
 * </ul>
 */
class UnboundedMpscLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public static class Ends {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final Mpsc.UnboundedSender<Integer> a = ch.sender();
        final Mpsc.UnboundedSender<Integer> b = a.duplicate();
        final ConcurrentLinkedQueue<Integer> sent = new ConcurrentLinkedQueue<>();
        final AtomicInteger closedSenders = new AtomicInteger();
        int nextA;
        int nextB;
        /** Receiver thread only. */
        final HandPolled<Integer> rx = new HandPolled<>(ch.receiver().recv());
        final List<Integer> received = new ArrayList<>();
        boolean ended;

        private void send(Mpsc.UnboundedSender<Integer> s, int v) {
            try {
                s.send(v);
                sent.add(v);
            } catch (IllegalStateException closed) {
                // this sender is closed: nothing sent
            }
        }

        @Operation(nonParallelGroup = "a")
        public void sendA() {
            send(a, 100 + ++nextA);
        }

        @Operation(nonParallelGroup = "a")
        public void closeA() {
            if (nextA >= 0) {
                nextA = -1000; // later sends of a are refused by the sender itself
                closedSenders.incrementAndGet();
                a.close();
            }
        }

        @Operation(nonParallelGroup = "b")
        public void sendB() {
            send(b, 200 + ++nextB);
        }

        @Operation(nonParallelGroup = "b")
        public void closeB() {
            if (nextB >= 0) {
                nextB = -1000;
                closedSenders.incrementAndGet();
                b.close();
            }
        }

        @Operation(nonParallelGroup = "receiver")
        public void recv() {
            if (ended) {
                return;
            }
            boolean woken = rx.wokenSincePending();
            Poll<Integer> p = rx.poll();
            if (!p.isReady()) {
                return;
            }
            if (p.value() == null) {
                ended = true;
                if (closedSenders.get() < 2) {
                    throw new AssertionError("the stream ended with a sender open");
                }
                if (woken) {
                    REACHED.reached("a waiting recv was woken by the last sender's close");
                }
            } else {
                received.add(p.value());
                if (woken) {
                    REACHED.reached("a waiting recv was woken by a send");
                }
            }
        }

        @Validate
        public void validate() {
            if (!ended) {
                rx.assertNoLostWake("recv");
            }
            for (Integer v; (v = ch.receiver().tryRecv()) != null; ) {
                received.add(v);
            }
            Set<Integer> got = new TreeSet<>(received);
            if (got.size() != received.size() || !got.equals(new TreeSet<>(sent))) {
                throw new AssertionError("received " + received + " of sent " + sent);
            }
            for (int s = 1; s <= 2; s++) {
                int sender = s;
                List<Integer> mine = received.stream().filter(v -> v / 100 == sender).toList();
                if (!mine.equals(mine.stream().sorted().toList())) {
                    throw new AssertionError("sender " + s + "'s messages out of order: " + received);
                }
            }
            boolean end = ended || ch.receiver().isClosedAndEmpty();
            if (end != (closedSenders.get() == 2)) {
                throw new AssertionError("ended " + end + " with " + closedSenders + " senders closed");
            }
        }
    }

    /**
     * Two senders (one of them closed at some point) push from several threads; the consumer sees every message and
     * the end of the stream only after the last close. The closed sender's sends do not overlap its close (a send
     * in flight during a close is delivered before the end, but not visibly at the close).
     */
    @Param(name = "v", gen = IntGen.class, conf = "1:5")
    public static class Linearizable {
        private final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        private final Mpsc.UnboundedSender<Integer> other = ch.sender().duplicate();

        @Operation
        public void sendOther(@Param(name = "v") int v) {
            other.send(v);
        }

        @Operation(nonParallelGroup = "closer")
        public String send(@Param(name = "v") int v) {
            try {
                ch.sender().send(v);
                return "sent";
            } catch (ClosedException e) {
                return "closed";
            } catch (IllegalStateException e) {
                return "sender closed";
            }
        }

        @Operation(nonParallelGroup = "consumer")
        public Integer tryRecv() {
            return ch.receiver().tryRecv();
        }

        @Operation(nonParallelGroup = "consumer")
        public boolean ended() {
            return ch.receiver().isClosedAndEmpty();
        }

        @Operation(nonParallelGroup = "closer")
        public void closeSender() {
            ch.sender().close();
        }
    }

    /**
     * The written scenarios, then random ones of the three threads: {@link LincheckBudget}'s budgets (half its quick one
     * for the random scenarios).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyMessageOnceInOrderAndTheEndAfterTheLastClose() {
        REACHED.reset();
        LincheckScenario[] scenarios = {
                LincheckScenario.of(Ends.class).thread("recv", "recv", "recv").thread("sendA", "closeA")
                        .thread("sendB", "sendB", "closeB"),
                LincheckScenario.of(Ends.class).init("sendA").thread("recv", "recv", "recv").thread("closeA")
                        .thread("closeB"),
        };
        LincheckBudget.scenarios(scenarios);
        LincheckBudget.random(Ends.class, 100, 500); // slow to model check: half the quick budget
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a waiting recv was woken by a send",
                "a waiting recv was woken by the last sender's close");
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void tryOperationsAreLinearizable() {
        LincheckBudget.linearizable(Linearizable.class);
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
