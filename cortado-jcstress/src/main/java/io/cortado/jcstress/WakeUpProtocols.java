package io.cortado.jcstress;

import io.cortado.Context;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sched.Parker;
import io.cortado.internal.task.Scheduler;
import io.cortado.internal.task.TaskCell;
import io.cortado.internal.time.TimeDriver;
import io.cortado.internal.time.TimerEntry;
import io.cortado.sync.Mpsc;
import io.cortado.sync.Oneshot;
import io.cortado.sync.Semaphore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.nio.channels.SelectionKey;
import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The "no lost wake-up" Dekker pairs, each a litmus test: one actor publishes (a value, a completion, permits, a
 * deadline) and then reads the other side's waker; the other registers its waker and then re-checks. The result
 * {@code r1} is whether the waiting side saw the event at once, {@code r2} how many times it was woken. The outcome
 * {@code 0, 0} (it did not see the event and nobody woke it) is a lost wake-up: FORBIDDEN everywhere.
 */
public final class WakeUpProtocols {
    private WakeUpProtocols() {
    }

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

    /** TaskCell rule 5: completion (outcome, then COMPLETE, then read the join waker) against a join poll. */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "the joiner saw the outcome, or was woken")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the joiner waits forever")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class TaskCompletionVsJoin {
        final TaskCell<Integer> task = new TaskCell<>(Futures.ready(7), NO_SCHEDULER);
        final CountingWaker joiner = new CountingWaker();

        @Actor
        public void runner() {
            task.run(); // polls the ready future and completes
        }

        @Actor
        public void join(II_Result r) {
            Poll<Integer> p = task.poll(Context.of(joiner));
            r.r1 = p.isReady() && p.value() == 7 ? 1 : 0;
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = joiner.wakes.get();
        }
    }

    /** Oneshot rule 1: the sender's value against the receiver's waker. */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "the receiver saw the value, or was woken")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class OneshotSendVsRecv {
        final Oneshot.Channel<Integer> ch = Oneshot.channel();
        final CountingWaker rx = new CountingWaker();

        @Actor
        public void send() {
            ch.sender().send(1);
        }

        @Actor
        public void recv(II_Result r) {
            r.r1 = ch.receiver().poll(Context.of(rx)).isReady() ? 1 : 0;
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = rx.wakes.get();
        }
    }

    /** Mpsc rule 2: a push (exchange, then read the waker) against the receiver's waker and second look. */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "the receiver saw the message, or was woken")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class MpscSendVsRecv {
        final Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
        final CountingWaker rx = new CountingWaker();

        @Actor
        public void send() {
            ch.sender().send(1);
        }

        @Actor
        public void recv(II_Result r) {
            Poll<Integer> p = ch.receiver().pollRecv(Context.of(rx));
            r.r1 = p.isReady() && p.value() != null ? 1 : 0;
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = rx.wakes.get();
        }
    }

    /** Semaphore rules 2 and 3: a release against an acquire that queues. */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "the acquire got the permit, or was woken")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "a permit stranded next to a waiter")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class SemaphoreReleaseVsAcquire {
        final Semaphore sem = new Semaphore(0);
        final CountingWaker waiter = new CountingWaker();

        @Actor
        public void release() {
            sem.release(1);
        }

        @Actor
        public void acquire(II_Result r) {
            r.r1 = sem.acquire().poll(Context.of(waiter)).isReady() ? 1 : 0;
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = waiter.wakes.get();
        }
    }

    /**
     * TimeDriver rule 4: a registration that lowers the next deadline (then reads the driver's parker) against the
     * driver publishing its parker and then reading the next deadline for its time-out. r1: the driver's time-out
     * already accounts for the new deadline; r2: the driver's parker was unparked.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "the driver saw the deadline, or was unparked")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "the driver sleeps through the deadline")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class DeadlineVsDriverPark {
        final TimeDriver driver = new TimeDriver(false);
        final TimerEntry entry = new TimerEntry() {
            @Override
            protected void fire() {
            }
        };
        volatile Parker parker;

        @Actor
        public void register() {
            driver.register(entry, driver.nanos() + Duration.ofSeconds(30).toNanos());
        }

        @Actor
        public void park(II_Result r) {
            Parker p = new Parker();
            parker = p;
            if (driver.tryEnterDriver(p)) {
                r.r1 = driver.parkTimeoutNanos() != Long.MAX_VALUE ? 1 : 0;
            }
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = parker.parkNanos(0) ? 1 : 0; // an unpark is pending
        }
    }

    /**
     * Registration rule 3: the reactor reports a channel ready (CAS the state word, then take the read waiter) against
     * a reader that finds it not ready (store its waker, then re-read the word). r1: the reader saw the readiness;
     * r2: the reader was woken.
     */
    @JCStressTest
    @Outcome(id = {"1, 0", "1, 1", "0, 1"}, expect = ACCEPTABLE, desc = "the reader saw the event, or was woken")
    @Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: the reader waits on a ready socket")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    @State
    public static class ReadinessReportVsReadWait {
        final Registration reg = Registration.unattached("litmus");
        final CountingWaker reader = new CountingWaker();

        public ReadinessReportVsReadWait() {
            int w = reg.pollReady(Context.of(reader), Registration.READ); // optimistic start: ready
            reg.clearReady(w, Registration.READ); // a read found nothing
        }

        @Actor
        public void driver() {
            reg.dispatch(reg.report(SelectionKey.OP_READ));
        }

        @Actor
        public void read(II_Result r) {
            r.r1 = reg.pollReady(Context.of(reader), Registration.READ) >= 0 ? 1 : 0;
        }

        @Arbiter
        public void arbiter(II_Result r) {
            r.r2 = reader.wakes.get();
        }
    }

    /**
     * Registration rule 2: a reader clears the readiness it saw earlier while the reactor reports a new event; the
     * new event must survive. r1: READ is still set at the end.
     */
    @JCStressTest
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "the new report survived")
    @Outcome(id = "0", expect = FORBIDDEN, desc = "a stale clear erased a new report")
    @State
    public static class StaleClearVsReport {
        final Registration reg = Registration.unattached("litmus");
        final int seen = reg.pollReady(Context.of(new CountingWaker()), Registration.READ);

        @Actor
        public void driver() {
            reg.report(SelectionKey.OP_READ);
        }

        @Actor
        public void clear() {
            reg.clearReady(seen, Registration.READ);
        }

        @Arbiter
        public void arbiter(org.openjdk.jcstress.infra.results.I_Result r) {
            r.r1 = reg.isReady(Registration.READ) ? 1 : 0;
        }
    }
}
