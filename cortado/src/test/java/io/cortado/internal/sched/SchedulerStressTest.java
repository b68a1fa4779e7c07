package io.cortado.internal.sched;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.Waker;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wake-ups from many threads into a current-thread runtime, and task-to-task wake chains: nothing may be lost
 * (a lost wake-up hangs the test, which its time limit turns into a failure).
 */
class SchedulerStressTest extends RuntimeTestBase {

    /** A counter a task can await: ready once it reaches a target. Volatile on both sides (rule 4 of TaskCell). */
    static final class Signal {
        final AtomicInteger count = new AtomicInteger();
        volatile Waker waiter;

        void bump() {
            count.incrementAndGet();
            Waker w = waiter;
            if (w != null) {
                w.wake();
            }
        }

        Future<Integer> reach(int target) {
            return cx -> {
                waiter = cx.waker();
                int c = count.get();
                return c >= target ? Poll.ready(c) : Poll.pending();
            };
        }
    }

    @Test
    void remoteWakesAreNeverLost() throws Exception {
        int tasks = 200;
        int bumps = 1_000 * stressScale();
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
            List<Signal> signals = new ArrayList<>();
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean bumping = new java.util.concurrent.atomic.AtomicBoolean(true);
            AtomicInteger pollsWhileBumping = new AtomicInteger();
            java.util.concurrent.atomic.AtomicLong parksSeenWhileBumping = new java.util.concurrent.atomic.AtomicLong();
            for (int i = 0; i < tasks; i++) {
                Signal s = new Signal();
                signals.add(s);
                Future<Integer> reach = s.reach(bumps);
                hs.add(rt.spawn(cx -> {
                    running.countDown(); // the bumpers start once the scheduler runs the tasks
                    if (bumping.get()) {
                        pollsWhileBumping.incrementAndGet();
                        parksSeenWhileBumping.accumulateAndGet(rt.handle().metrics().parkCount(0), Math::max);
                    }
                    return reach.poll(cx);
                }));
            }
            List<Thread> bumpers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                bumpers.add(Thread.ofPlatform().start(() -> {
                    try {
                        running.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int b = 0; b < bumps; b++) {
                        if (b % 50 == 49) { // pace: the scheduler drains its queue and parks between bursts
                            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                        }
                        for (int i = offset; i < tasks; i += 4) {
                            signals.get(i).bump();
                        }
                    }
                }));
            }
            // each signal is bumped by exactly one thread `bumps` times
            Thread.ofPlatform().start(() -> {
                for (Thread b : bumpers) {
                    try {
                        b.join();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
                bumping.set(false);
            });
            List<Integer> done = rt.blockOn(Futures.joinAll(hs));
            for (Thread b : bumpers) {
                b.join();
            }
            done.forEach(c -> assertEquals(bumps, c));
            // the races: tasks were polled while other threads were still waking them, and the scheduler had
            // parked (so a remote wake had to unpark it) before some of those polls
            assertTrue(pollsWhileBumping.get() > tasks, "no task was polled again while the bumps were going on");
            assertTrue(parksSeenWhileBumping.get() > 0, "the scheduler never parked while remote wakes came in");
        }
    }

    @Test
    void wakeChainsBetweenTasks() {
        int length = 1_000 * stressScale();
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            int result = rt.blockOn(Futures.lazy(() -> {
                // a ring of tasks passing a token: task i waits for signal i, then bumps signal i+1
                List<Signal> ring = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    ring.add(new Signal());
                }
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    Signal mine = ring.get(i);
                    Signal next = ring.get((i + 1) % 10);
                    hs.add(Task.spawn(new Future<>() {
                        int seen;

                        @Override
                        public Poll<Integer> poll(Context cx) {
                            while (seen < length) {
                                Poll<Integer> p = mine.reach(seen + 1).poll(cx);
                                if (!p.isReady()) {
                                    return Poll.pending();
                                }
                                seen++;
                                next.bump();
                            }
                            return Poll.ready(seen);
                        }
                    }));
                }
                ring.get(0).bump();
                return Futures.joinAll(hs);
            }).then(all -> all).map(l -> l.stream().mapToInt(Integer::intValue).sum()));
            assertEquals(10 * length, result);
        }
    }
}
