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
        int bumps = 100 * stressScale();
        try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
            List<Signal> signals = new ArrayList<>();
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                Signal s = new Signal();
                signals.add(s);
                hs.add(rt.spawn(s.reach(bumps)));
            }
            List<Thread> bumpers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t;
                bumpers.add(Thread.ofPlatform().start(() -> {
                    for (int b = 0; b < bumps; b++) {
                        for (int i = offset; i < tasks; i += 4) {
                            signals.get(i).bump();
                        }
                    }
                }));
            }
            // each signal is bumped by exactly one thread `bumps` times
            List<Integer> done = rt.blockOn(Futures.joinAll(hs));
            for (Thread b : bumpers) {
                b.join();
            }
            done.forEach(c -> assertEquals(bumps, c));
        }
    }

    @Test
    void wakeChainsBetweenTasks() {
        int length = 1_000 * stressScale();
        try (AsyncRuntime rt = AsyncRuntime.builder().build()) {
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
