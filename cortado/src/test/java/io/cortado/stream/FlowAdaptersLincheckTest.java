package io.cortado.stream;

import io.cortado.Context;
import io.cortado.ManualCore;
import io.cortado.Poll;
import io.cortado.internal.task.TaskCell;
import io.cortado.testing.LincheckScenario;
import io.cortado.testing.ReachedStates;
import io.cortado.testing.RuntimeTestBase;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Model check of the demand accounting of {@link FlowAdapters#toPublisher} (rules 2, 3, 5): the publishing task
 * runs on a {@link ManualCore} (no runtime thread), so a runner thread polls it step by step while other threads
 * call the subscription's {@code request(1)}, {@code request(Long.MAX_VALUE)} and {@code cancel}. The subscriber
 * checks every signal as it comes: {@code onSubscribe} first and once, items in order, never more {@code onNext}
 * than requested so far (the test adds a request to its own saturating count before making it), nothing after
 * {@code onComplete}. After each execution the {@code @Validate} step runs only the tasks that were woken (a wake
 * lost by a request at zero demand leaves the task unqueued) and checks that no progress was lost: without a
 * cancel, exactly {@code min(requested, items)} items were delivered, and {@code onComplete} came iff everything
 * was requested (demand that wrapped past {@link Long#MAX_VALUE} would stall it); the stream was never polled
 * more than one item ahead of what was delivered (rule 5); after a cancel, the task finished and the stream was
 * cancelled (or had ended), with no {@code onError}. Counted and asserted: a request that arrived while the task
 * was being polled; a request at zero demand that woke the idle task; a cancel from another thread;
 * {@code Long.MAX_VALUE} requested on top of demand still outstanding.
 */
class FlowAdaptersLincheckTest extends RuntimeTestBase {
    static final ReachedStates REACHED = new ReachedStates();
    static final int ITEMS = 3;

    /** A stream of {@code 0 .. ITEMS-1}, always ready; counts its pulls and notes its cancel. */
    static final class Source implements Stream<Integer> {
        volatile int pulled;
        volatile boolean ended;
        volatile boolean cancelled;

        @Override
        public Poll<Integer> pollNext(Context cx) {
            if (cancelled) {
                throw new AssertionError("the stream was polled after its cancel");
            }
            if (pulled == ITEMS) {
                ended = true;
                return Poll.ready(null);
            }
            return Poll.ready(pulled++);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    public static class Ops implements Flow.Subscriber<Integer> {
        final ManualCore core = new ManualCore();
        final Source source = new Source();
        final AtomicLong requested = new AtomicLong();
        volatile Flow.Subscription subscription;
        volatile int subscribes;
        volatile int nexts;
        volatile boolean completed;
        volatile Throwable error;
        volatile String violation;
        volatile boolean running;
        volatile boolean cancelCalled;

        private void violated(String what) {
            if (violation == null) {
                violation = what;
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (subscribes++ > 0 || nexts > 0 || completed || error != null) {
                violated("onSubscribe not first, or twice");
            }
            subscription = s;
        }

        @Override
        public void onNext(Integer item) {
            if (subscription == null || completed || error != null) {
                violated("onNext before onSubscribe or after the end: " + item);
            }
            if (item != nexts) {
                violated("item " + item + " delivered as number " + nexts);
            }
            if (++nexts > requested.get()) {
                violated("onNext number " + nexts + " beyond the demand requested so far, " + requested.get());
            }
        }

        @Override
        public void onError(Throwable t) {
            violated("onError " + t);
            error = t;
        }

        @Override
        public void onComplete() {
            if (completed || error != null) {
                violated("a second terminal signal");
            }
            completed = true;
        }

        /** Subscribes: the publishing task is spawned (queued) on the manual core. */
        @Operation(nonParallelGroup = "runner")
        public void subscribe() {
            FlowAdapters.toPublisher(source, core.handle()).subscribe(this);
        }

        /** Runs the publishing task once if it is queued (woken). */
        @Operation(nonParallelGroup = "runner")
        public void run() {
            running = true;
            core.runOne();
            running = false;
        }

        private void request(long n) {
            Flow.Subscription s = subscription;
            if (s == null) {
                return;
            }
            long before = requested.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            boolean atZeroDemand = !running && nexts == before && before < ITEMS;
            if (running) {
                REACHED.reached("a request arrived while the task was being polled");
            }
            if (n == Long.MAX_VALUE && before > nexts) {
                REACHED.reached("Long.MAX_VALUE requested on top of outstanding demand");
            }
            int schedules = core.schedules();
            s.request(n);
            if (atZeroDemand && core.schedules() > schedules) {
                REACHED.reached("a request at zero demand woke the idle task");
            }
        }

        @Operation
        public void request1() {
            request(1);
        }

        @Operation
        public void requestMax() {
            request(Long.MAX_VALUE);
        }

        @Operation
        public void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                cancelCalled = true;
                s.cancel();
            }
        }

        @Validate
        public void validate() {
            core.runAll(2 * ITEMS + 4); // only what was woken
            if (violation != null) {
                throw new AssertionError(violation);
            }
            TaskCell<?> task = core.spawned().getFirst();
            if (source.pulled > nexts + 1) {
                throw new AssertionError("the stream was polled " + source.pulled + " times for " + nexts
                        + " items delivered: more than one ahead");
            }
            if (error != null) {
                throw new AssertionError("onError", error);
            }
            if (cancelCalled) {
                if (!task.isFinished() || !(source.cancelled || source.ended)) {
                    throw new AssertionError("after the cancel the task is " + task.stateName()
                            + ", the stream cancelled " + source.cancelled + ", ended " + source.ended);
                }
                REACHED.reached("a cancel from another thread");
                return;
            }
            long req = requested.get();
            if (nexts != Math.min(req, ITEMS) || completed != (req >= ITEMS) || task.isFinished() != completed) {
                throw new AssertionError("progress lost: requested " + req + ", delivered " + nexts
                        + ", completed " + completed + ", task " + task.stateName());
            }
        }
    }

    /** 1 in the default build; 20 with -Pstress. */
    private static int scale() {
        return stressScale();
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void demandIsKeptAndNoRequestIsLost() {
        REACHED.reset();
        // The task waits for demand (one item held ahead); requests and a cancel race its polls.
        LincheckScenario.of(Ops.class).init("subscribe", "run").thread("run", "run")
                .thread("request1", "requestMax").thread("request1", "cancel").check(500 * scale(), 200 * scale());
        // Demand outstanding when Long.MAX_VALUE comes, and requests on top of it: it must saturate.
        LincheckScenario.of(Ops.class).init("subscribe", "run", "request1").thread("run", "run")
                .thread("requestMax").thread("request1", "request1").check(500 * scale(), 200 * scale());
        REACHED.assertReached("a request arrived while the task was being polled",
                "a request at zero demand woke the idle task",
                "a cancel from another thread",
                "Long.MAX_VALUE requested on top of outstanding demand");
    }

    @Override
    protected boolean checksDescriptors() {
        return false; // Lincheck itself opens files and a socket
    }
}
