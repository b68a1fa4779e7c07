package io.cortado.sync;

import io.cortado.Poll;
import io.cortado.testing.HandPolled;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Model check of a bounded {@link Mpsc} channel of capacity 1 (rules 1-4): two senders, each on its own thread,
 * send with {@code send} (which waits while the channel is full; polled by hand with a counting waker) and cancel
 * a waiting send, while the receiver's {@code recv} (polled by hand) takes messages on a third thread. The
 * operations return nothing (a send in progress holds capacity before its message is visible, so a queue's
 * sequential history does not describe it, Mpsc rule 3); the {@code @Validate} step checks after every execution:
 * <ul>
 *   <li>no lost wake-up: a {@code recv} or send left Pending whose waker was not woken since is still Pending;</li>
 *   <li>the capacity holds: completed sends not yet received are at most 1;</li>
 *   <li>then (woken sends completed, the others cancelled, the channel drained) every completed send is received
 *       exactly once, no cancelled send is received (a send is never half-sent), each sender's messages come in
 *       its order, and all the room is back: one {@code trySend} fits, the next finds the channel full.</li>
 * </ul>
 * Counted and asserted: a send waiting on the full channel woken by a {@code recv} on another thread; a waiting
 * {@code recv} woken by a send; a waiting send cancelled; a waiting send cancelled after it was granted room (which
 * then goes to the next waiter). The receiver's close is model checked by {@code MpscCloseLincheckTest}.
 */
class BoundedMpscLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public static class Ops {
        final Mpsc.Channel<Integer> ch = Mpsc.bounded(1);
        final ConcurrentLinkedQueue<Integer> sent = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Integer> cancelled = new ConcurrentLinkedQueue<>();
        final Side a = new Side(ch.sender(), 100);
        final Side b = new Side(ch.sender().duplicate(), 200);
        /** Receiver thread only. */
        final HandPolled<Integer> rx = new HandPolled<>(ch.receiver().recv());
        final List<Integer> received = new ArrayList<>();

        /** One sender, driven by one thread. */
        final class Side {
            final Mpsc.Sender<Integer> sender;
            final int base;
            int next;
            int value;
            final Waiting<Void> send;

            Side(Mpsc.Sender<Integer> sender, int base) {
                this.sender = sender;
                this.base = base;
                this.send = new Waiting<>(() -> sender.send(value));
            }

            void send() {
                if (!send.isPending()) {
                    value = base + ++next;
                }
                Waiting.Outcome o = send.step();
                if (o == Waiting.Outcome.PENDING) {
                    return;
                }
                send.take();
                sent.add(value);
                if (o == Waiting.Outcome.DONE_AFTER_WAKE) {
                    REACHED.reached("a send waiting on a full channel was woken by a recv");
                }
            }

            void cancel() {
                Waiting.Outcome o = send.cancel();
                if (o != Waiting.Outcome.NONE) {
                    cancelled.add(value);
                    REACHED.reached(o == Waiting.Outcome.CANCELLED_AFTER_WAKE
                            ? "a waiting send was cancelled after it was granted room"
                            : "a waiting send was cancelled");
                }
            }

            /** After the no-lost-wake checks: a woken send completes, any other pending one is cancelled. */
            void settle() {
                if (!send.isPending()) {
                    return;
                }
                if (send.settle()) {
                    send.take();
                    sent.add(value);
                } else {
                    cancelled.add(value);
                }
            }
        }

        @Operation(nonParallelGroup = "a")
        public void sendA() {
            a.send();
        }

        @Operation(nonParallelGroup = "a")
        public void cancelA() {
            a.cancel();
        }

        @Operation(nonParallelGroup = "b")
        public void sendB() {
            b.send();
        }

        @Operation(nonParallelGroup = "b")
        public void cancelB() {
            b.cancel();
        }

        @Operation(nonParallelGroup = "receiver")
        public void recv() {
            boolean woken = rx.wokenSincePending();
            Poll<Integer> p = rx.poll();
            if (p.isReady()) {
                if (p.value() == null) {
                    throw new AssertionError("the stream ended with both senders open");
                }
                received.add(p.value());
                if (woken) {
                    REACHED.reached("a waiting recv was woken by a send");
                }
            }
        }

        @Validate
        public void validate() {
            rx.assertNoLostWake("recv");
            a.send.assertNoLostWake("a send of sender a");
            b.send.assertNoLostWake("a send of sender b");
            if (sent.size() - received.size() > 1) {
                throw new AssertionError("more than the capacity buffered: sent " + sent + ", received " + received);
            }
            a.settle();
            b.settle();
            for (Integer v; (v = ch.receiver().tryRecv()) != null; ) {
                received.add(v);
            }
            Set<Integer> got = new TreeSet<>(received);
            if (got.size() != received.size() || !got.equals(new TreeSet<>(sent))) {
                throw new AssertionError("received " + received + ", but the completed sends were " + sent
                        + " (cancelled " + cancelled + ")");
            }
            for (int base : new int[]{100, 200}) {
                List<Integer> mine = received.stream().filter(v -> v / 100 == base / 100).toList();
                if (!mine.equals(mine.stream().sorted().toList())) {
                    throw new AssertionError("a sender's messages out of order: " + received);
                }
            }
            if (ch.sender().trySend(0) != Mpsc.TrySend.SENT || ch.sender().trySend(1) != Mpsc.TrySend.FULL) {
                throw new AssertionError("the room is not all back after the drain (cancelled " + cancelled + ")");
            }
        }
    }

    /**
     * The written scenarios, then random ones of the three threads: {@link LincheckBudget}'s heavy budgets, and half
     * its quick ones.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyCompletedSendReceivedOnceAndNoWakeLost() {
        REACHED.reset();
        LincheckScenario[] scenarios = {
                LincheckScenario.of(Ops.class).init("sendA").thread("recv", "recv", "recv")
                        .thread("sendA", "sendA").thread("sendB", "cancelB"),
                LincheckScenario.of(Ops.class).init("sendB").thread("recv", "recv")
                        .thread("sendA", "cancelA").thread("sendB", "sendB"),
        };
        LincheckBudget.scenarios(100, 200, scenarios); // slow to model check: half the quick budget
        LincheckBudget.random(Ops.class, 100, 500);
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a send waiting on a full channel was woken by a recv",
                "a waiting recv was woken by a send", "a waiting send was cancelled",
                "a waiting send was cancelled after it was granted room");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
