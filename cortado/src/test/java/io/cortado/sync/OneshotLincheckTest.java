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

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Model check of {@link Oneshot} (rules 1-3) on three threads: the sender sends or closes; the receiver, a future
 * polled by hand with a counting waker, waits for the value or closes; a third thread waits on the sender's
 * {@code closed()} future (also polled by hand) and reads {@code isClosed()}. Checked as it runs: the sender never
 * sees the receiver gone before the receiver closed. Checked after every execution: no lost wake-up (the receiver
 * or {@code closed()} left Pending whose waker was not woken since is still Pending); a send returned {@code false}
 * only if the receiver closed; the receiver's outcome is the value iff a send succeeded, a failure iff the sender
 * closed without sending, and still Pending otherwise; {@code closed()} completes iff the receiver closed. Counted
 * and asserted: a waiting receiver woken by the send, a waiting receiver woken by the sender's close, a waiting
 * {@code closed()} woken by the receiver's close, a send refused because the receiver had closed.
 */
class OneshotLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();

    public static class Ops {
        final Oneshot.Channel<String> ch = Oneshot.channel();
        volatile Boolean sendResult;
        volatile boolean senderClosed;
        volatile boolean receiverClosed;
        /** Receiver thread only. */
        final HandPolled<String> rx = new HandPolled<>(ch.receiver());
        String outcome;
        /** Watcher thread only. */
        final HandPolled<Void> closed = new HandPolled<>(ch.sender().closed());
        boolean sawClosed;

        @Operation(nonParallelGroup = "sender")
        public void send() {
            if (sendResult == null && !senderClosed) {
                boolean r = ch.sender().send("v");
                sendResult = r;
                if (!r) {
                    REACHED.reached("a send was refused: the receiver had closed");
                }
            }
        }

        @Operation(nonParallelGroup = "sender")
        public void closeSender() {
            senderClosed = true;
            ch.sender().close();
        }

        @Operation(nonParallelGroup = "receiver")
        public void recv() {
            if (outcome != null || receiverClosed) {
                return;
            }
            boolean woken = rx.wokenSincePending();
            try {
                Poll<String> p = rx.poll();
                if (p.isReady()) {
                    outcome = p.value();
                    if (woken) {
                        REACHED.reached("a waiting receiver was woken by the send");
                    }
                }
            } catch (ClosedException e) {
                outcome = "closed";
                if (woken) {
                    REACHED.reached("a waiting receiver was woken by the sender's close");
                }
            }
        }

        @Operation(nonParallelGroup = "receiver")
        public void closeReceiver() {
            receiverClosed = true;
            ch.receiver().close();
        }

        @Operation(nonParallelGroup = "watcher")
        public void watchClosed() {
            if (sawClosed) {
                return;
            }
            boolean woken = closed.wokenSincePending();
            if (closed.poll().isReady()) {
                sawClosed = true;
                if (!receiverClosed) {
                    throw new AssertionError("closed() completed while the receiver is open");
                }
                if (woken) {
                    REACHED.reached("a waiting closed() was woken by the receiver's close");
                }
            }
        }

        @Operation(nonParallelGroup = "watcher")
        public void isClosed() {
            if (ch.sender().isClosed() && !receiverClosed) {
                throw new AssertionError("isClosed() while the receiver is open");
            }
        }

        @Validate
        public void validate() {
            boolean rxWaiting = outcome == null && !receiverClosed;
            if (rxWaiting) {
                rx.assertNoLostWake("the receiver");
            }
            if (!sawClosed) {
                closed.assertNoLostWake("closed()");
            }
            if (Boolean.FALSE.equals(sendResult) && !receiverClosed) {
                throw new AssertionError("a send was refused with the receiver open");
            }
            if (rxWaiting) {
                try {
                    Poll<String> p = rx.poll();
                    outcome = p.isReady() ? p.value() : null;
                } catch (ClosedException e) {
                    outcome = "closed";
                }
                String expected = Boolean.TRUE.equals(sendResult) ? "v" : senderClosed ? "closed" : null;
                if (!Objects.equals(expected, outcome)) {
                    throw new AssertionError("the receiver's outcome is " + outcome + ", expected " + expected
                            + " (send " + sendResult + ", sender closed " + senderClosed + ")");
                }
            } else if ("v".equals(outcome) && !Boolean.TRUE.equals(sendResult)) {
                throw new AssertionError("received a value no send delivered");
            } else if ("closed".equals(outcome) && (!senderClosed || Boolean.TRUE.equals(sendResult))) {
                throw new AssertionError("the receiver failed, but the send " + sendResult + ", sender closed "
                        + senderClosed);
            }
            if (!sawClosed && closed.poll().isReady() != receiverClosed) {
                throw new AssertionError("closed() is " + (receiverClosed ? "pending" : "ready")
                        + " after the race, the receiver closed: " + receiverClosed);
            }
        }
    }

    /** The written scenarios, then random ones of the three threads: {@link LincheckBudget}'s budgets. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void deliversAtMostOnceAndWakesEverySide() {
        REACHED.reset();
        LincheckScenario[] scenarios = {
                LincheckScenario.of(Ops.class).thread("send").thread("recv", "recv")
                        .thread("watchClosed", "isClosed"),
                LincheckScenario.of(Ops.class).thread("closeSender").thread("recv", "recv")
                        .thread("watchClosed"),
                LincheckScenario.of(Ops.class).thread("send").thread("closeReceiver")
                        .thread("watchClosed", "watchClosed"),
        };
        LincheckBudget.scenarios(scenarios);
        LincheckBudget.random(Ops.class);
        System.out.println(getClass().getSimpleName() + " reached " + REACHED.snapshot());
        REACHED.assertReached("a waiting receiver was woken by the send",
                "a waiting receiver was woken by the sender's close",
                "a waiting closed() was woken by the receiver's close", "a send was refused: the receiver had closed");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
