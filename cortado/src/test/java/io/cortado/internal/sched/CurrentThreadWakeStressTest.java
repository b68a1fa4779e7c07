package io.cortado.internal.sched;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CurrentThreadScheduler} rules 1 and 2 on real threads: tasks and the {@code blockOn} future itself are
 * woken from foreign threads while the core owner runs tasks, polls them, and parks. Every wake carries a ping;
 * a future completes when it has consumed all the pings sent to it, so a lost wake-up leaves it pending forever
 * (the time limit turns that into a failure), and each future fails if it is ever polled by two threads at once or
 * after it completed. The test counts, at the moment of each wake, what the core owner was doing (parked; polling
 * the woken future; running something else) and fails unless all three happened in the run, so the interesting
 * interleavings of "wake from another thread" against the owner's park were really exercised.
 *
 * <p>Quick form: 2 waking threads, 4 tasks and the {@code blockOn} future, 150,000 pings (about a second);
 * {@code -Pstress} multiplies the pings by {@code cortado.stress.scale}.
 */
class CurrentThreadWakeStressTest extends RuntimeTestBase {

    /** A future that completes once it consumed {@code target} pings; wakes come with pings. */
    static final class Pinged implements Future<Integer> {
        final int target;
        final AtomicInteger pings = new AtomicInteger();
        final AtomicInteger inPoll = new AtomicInteger();
        volatile boolean polling;
        volatile Waker waker;
        private int consumed;
        private volatile boolean done;

        Pinged(int target) {
            this.target = target;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            if (inPoll.getAndIncrement() != 0) {
                throw new AssertionError("polled by two threads at once");
            }
            try {
                if (done) {
                    throw new AssertionError("polled after completion");
                }
                polling = true;
                waker = cx.waker(); // publish the waker, then look at the pings (the waker's Dekker pair)
                consumed += pings.getAndSet(0);
                if (consumed >= target) {
                    done = true;
                    return Poll.ready(consumed);
                }
                return Poll.pending();
            } finally {
                polling = false;
                inPoll.decrementAndGet();
            }
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void foreignWakesAreNeverLostNorPolledConcurrently() throws Exception {
        int tasks = 4;
        int wakers = 2;
        int perFuture = 30_000 * stressScale();
        int futures = tasks + 1; // the tasks and the blockOn future
        int expected = perFuture / wakers * wakers;
        Thread core = Thread.currentThread(); // blockOn runs here: this thread holds the core
        AtomicLong wokeWhileParked = new AtomicLong();
        AtomicLong wokeWhilePolled = new AtomicLong();
        AtomicLong wokeWhileRunning = new AtomicLong();
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            List<Pinged> all = new ArrayList<>();
            List<JoinHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                Pinged p = new Pinged(expected);
                all.add(p);
                handles.add(rt.spawn(p));
            }
            Pinged main = new Pinged(expected);
            all.add(main);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < wakers; w++) {
                int offset = w;
                threads.add(Thread.ofPlatform().unstarted(() -> {
                    long parked = 0;
                    long polled = 0;
                    long running = 0;
                    // each waker pings every future perFuture / wakers times, round robin
                    for (int r = 0; r < perFuture / wakers; r++) {
                        for (int f = 0; f < futures; f++) {
                            Pinged p = all.get((f + offset) % futures);
                            p.pings.incrementAndGet();
                            Waker waker = p.waker;
                            if (waker == null) {
                                continue; // not polled yet: its first poll consumes the ping
                            }
                            if (p.polling) {
                                polled++;
                            } else {
                                Thread.State s = core.getState();
                                if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                                    parked++;
                                } else {
                                    running++;
                                }
                            }
                            waker.wake();
                        }
                        if (r % 64 == offset) {
                            for (int spin = 0; spin < 20_000; spin++) {
                                Thread.onSpinWait(); // let the core run out of work and park
                            }
                        }
                    }
                    wokeWhileParked.addAndGet(parked);
                    wokeWhilePolled.addAndGet(polled);
                    wokeWhileRunning.addAndGet(running);
                }));
            }
            threads.forEach(Thread::start);
            var result = rt.blockOn(Futures.join(Futures.joinAll(handles), main));
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(expected, (int) result.second(), "the blockOn future consumed every ping");
            result.first().forEach(n -> assertEquals(expected, (int) n, "a task consumed every ping"));
        }
        assertTrue(wokeWhileParked.get() > 0, "never woke the core while it was parked");
        assertTrue(wokeWhilePolled.get() > 0, "never woke a future while it was being polled");
        assertTrue(wokeWhileRunning.get() > 0, "never woke a future while the core was running");
    }
}
