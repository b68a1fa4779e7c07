package io.cortado.time;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.internal.time.TimeDriver;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Timers on a real clock under races: registrations from many threads racing the driver's park (the driver's
 * rule 4: no deadline slept through), and timeouts racing the completion of their future.
 */
class TimerStressTest extends RuntimeTestBase {

    @Test
    void shortSleepsRegisteredFromEverywhereAllWake() throws Exception {
        int perThread = 2_000 * Math.max(1, stressScale() / 4);
        AtomicInteger parkedNow = new AtomicInteger(); // workers inside park right now (the hooks bracket it)
        AtomicInteger spawnedWhileParked = new AtomicInteger();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2)
                .onThreadPark(parkedNow::incrementAndGet).onThreadUnpark(parkedNow::decrementAndGet).build()) {
            var h = rt.handle();
            Clock clock = h.clock();
            List<JoinHandle<Void>> all = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> spawners = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                spawners.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        if (i % 250 == 249) { // pace the load: a pause longer than the longest sleep (3 ms), so
                            // the workers fire everything, run dry and park in the driver between bursts
                            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                        }
                        long micros = (i * 7919L + seed * 104729L) % 3_000; // 0 to 3 ms, many in the same tick
                        if (parkedNow.get() > 0) {
                            spawnedWhileParked.incrementAndGet();
                        }
                        all.add(h.spawn(Futures.lazy(() -> Sleep.sleep(clock, Duration.ofNanos(micros * 1_000)))
                                .then(s -> s)));
                    }
                }));
            }
            for (Thread t : spawners) {
                t.join();
            }
            for (JoinHandle<Void> j : all) {
                rt.blockOn(j); // a deadline slept through would hang here (the test's time limit catches it)
            }
            assertEquals(4 * perThread, all.size());
            assertEquals(0, ((TimeDriver) clock).size(), "nothing left in the wheel");
            assertTrue(spawnedWhileParked.get() > 0,
                    "no registration came while a worker was parked: the race with the parked driver never ran");
        }
    }

    /** A future completed by another thread at a chosen moment. */
    private static final class Gate implements Future<String> {
        private volatile String value;
        private volatile Waker waker;
        final AtomicInteger cancels = new AtomicInteger();

        void complete(String v) {
            value = v;
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public Poll<String> poll(Context cx) {
            if (value != null) {
                return Poll.ready(value);
            }
            waker = cx.waker();
            return value != null ? Poll.ready(value) : Poll.pending();
        }

        @Override
        public void cancel() {
            cancels.incrementAndGet();
        }
    }

    @Test
    void timeoutsRacingCompletionEndOneWayOrTheOther() throws Exception {
        int rounds = 300 * Math.max(1, stressScale() / 4);
        int timedOut = 0;
        int completed = 0;
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            for (int r = 0; r < rounds; r++) {
                Gate gate = new Gate();
                long limitMicros = 1_000 + (r % 3) * 500;
                JoinHandle<String> h = rt.spawn(Futures.lazy(() -> Timeout.timeout(Duration.ofNanos(limitMicros * 1000),
                        gate)).then(t -> t));
                // complete the gate from well before the deadline to well after it (-800 us to +2.7 ms), so that
                // both outcomes occur, and around the deadline itself
                long spinUntil = System.nanoTime() + (limitMicros - 800 + (r % 8) * 500) * 1000;
                while (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait(); // complete the gate around the deadline, on either side of it
                }
                gate.complete("done");
                AtomicReference<Object> outcome = new AtomicReference<>();
                try {
                    outcome.set(rt.blockOn(h));
                } catch (JoinException e) {
                    outcome.set(e.getCause());
                }
                if (outcome.get() instanceof TimeoutException) {
                    timedOut++;
                    assertEquals(1, gate.cancels.get(), "a timed-out future is cancelled once");
                } else {
                    completed++;
                    assertEquals("done", outcome.get());
                    assertEquals(0, gate.cancels.get(), "a future that won is not cancelled");
                }
            }
            assertEquals(0, ((TimeDriver) rt.handle().clock()).size(), "no timer left behind either way");
        }
        assertTrue(timedOut > 0, "no timeout won the race in " + rounds + " rounds");
        assertTrue(completed > 0, "no completion won the race in " + rounds + " rounds");
    }


    @Test
    void aTimeoutFailureIsATimeoutException() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().startPaused(true).build()) {
            Gate never = new Gate();
            JoinException e = org.junit.jupiter.api.Assertions.assertThrows(JoinException.class,
                    () -> rt.blockOn(rt.spawn(Futures.lazy(() -> never.timeout(Duration.ofMinutes(5))).then(t -> t))));
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("PT5M"), e.getCause().getMessage());
        }
    }
}
