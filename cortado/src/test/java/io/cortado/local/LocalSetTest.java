package io.cortado.local;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinException;
import io.cortado.JoinHandle;
import io.cortado.LocalSet;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.sync.Mpsc;
import io.cortado.sync.Oneshot;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link LocalSet} and {@link Task#spawnLocal}: thread confinement, mixing with ordinary tasks, the errors, close. */
class LocalSetTest extends RuntimeTestBase {

    static AsyncRuntime runtime(String flavor) {
        return flavor.equals("current") ? AsyncRuntime.builder().currentThread().build()
                : AsyncRuntime.builder().multiThread().workerThreads(4).build();
    }

    /** Counts the polls of {@code f} and those that ran on another thread than {@code owner}. */
    static <T> Future<T> onThread(Thread owner, AtomicInteger polls, AtomicInteger elsewhere, Future<T> f) {
        return new Future<>() {
            @Override
            public Poll<T> poll(Context cx) {
                polls.incrementAndGet();
                if (Thread.currentThread() != owner) {
                    elsewhere.incrementAndGet();
                }
                return f.poll(cx);
            }

            @Override
            public void cancel() {
                f.cancel();
            }
        };
    }

    /** Yields {@code n} times, then completes with {@code n}. */
    static Future<Integer> yielding(int n) {
        int[] left = {n};
        return cx -> {
            if (left[0]-- > 0) {
                cx.waker().wake();
                return Poll.pending();
            }
            return Poll.ready(n);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void localTasksArePolledOnlyOnTheDrivingThreadWhateverTheyAwait(String flavor) {
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger elsewhere = new AtomicInteger();
        try (AsyncRuntime rt = runtime(flavor); LocalSet local = new LocalSet()) {
            Thread me = Thread.currentThread();
            int sum = rt.blockOn(local.runUntil(Futures.lazy(() -> {
                List<JoinHandle<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    // yields, awaits an ordinary task (which runs on any worker), sleeps, yields again
                    tasks.add(Task.spawnLocal(onThread(me, polls, elsewhere, yielding(n % 7)
                            .then(a -> Task.spawn(yielding(3).map(b -> Thread.currentThread().getName())))
                            .then(name -> Sleep.sleep(Duration.ofMillis(n % 3)))
                            .then(v -> yielding(n)))));
                }
                return Futures.joinAll(tasks).map(all -> all.stream().mapToInt(Integer::intValue).sum());
            }).then(f -> f)));
            assertEquals(99 * 100 / 2, sum);
            assertTrue(polls.get() > 100 * 10, "every local task was polled many times: " + polls.get());
            assertEquals(0, elsewhere.get(), "a local task was polled on another thread");
            assertEquals(0, local.size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void ordinaryTasksFeedALocalTaskThroughAChannelAndGetTheAnswerBack(String flavor) {
        try (AsyncRuntime rt = runtime(flavor); LocalSet local = new LocalSet()) {
            Thread me = Thread.currentThread();
            Mpsc.Channel<Integer> ch = Mpsc.bounded(16);
            Oneshot.Channel<Long> answer = Oneshot.channel();
            AtomicBoolean wrongThread = new AtomicBoolean();
            // the local task keeps its data in a plain ArrayList: it is only ever touched on this thread
            local.spawnLocal(new Future<Void>() {
                final List<Integer> seen = new ArrayList<>();
                Future<Integer> next;

                @Override
                public Poll<Void> poll(Context cx) {
                    if (Thread.currentThread() != me) {
                        wrongThread.set(true);
                    }
                    for (; ; ) {
                        if (next == null) {
                            next = ch.receiver().recv();
                        }
                        Poll<Integer> p = next.poll(cx);
                        if (!p.isReady()) {
                            return Poll.pending();
                        }
                        next = null;
                        if (p.value() == null) { // every sender gone
                            answer.sender().send(seen.stream().mapToLong(Integer::longValue).sum());
                            return Poll.ready(null);
                        }
                        seen.add(p.value());
                    }
                }
            });
            List<JoinHandle<Void>> producers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                var tx = p == 3 ? ch.sender() : ch.sender().duplicate();
                int base = p * 1000;
                producers.add(rt.spawn(sendAll(tx, base, 1000)));
            }
            // an ordinary task awaits the local task's answer
            JoinHandle<Long> reader = rt.spawn(answer.receiver());
            long sum = rt.blockOn(local.runUntil(reader));
            long expected = 0;
            for (int i = 0; i < 4000; i++) {
                expected += i;
            }
            assertEquals(expected, sum);
            assertFalse(wrongThread.get());
            // A producer's close() ends the channel inside its last poll, a moment before its task is marked
            // complete on its worker: join them rather than read isFinished() racily.
            for (JoinHandle<Void> h : producers) {
                rt.blockOn(h);
                assertTrue(h.isFinished());
            }
        }
    }

    private static Future<Void> sendAll(Mpsc.Sender<Integer> tx, int base, int n) {
        int[] i = {0};
        Future<?>[] pending = {null};
        return cx -> {
            for (; ; ) {
                if (pending[0] == null) {
                    if (i[0] == n) {
                        tx.close();
                        return Poll.ready(null);
                    }
                    pending[0] = tx.send(base + i[0]++);
                }
                if (!pending[0].poll(cx).isReady()) {
                    return Poll.pending();
                }
                pending[0] = null;
            }
        };
    }

    @Test
    void spawnLocalWithoutALocalSetSaysWhatToDo() {
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> Task.spawnLocal(yielding(1)));
        assertTrue(outside.getMessage().contains("LocalSet"), outside.getMessage());
        try (AsyncRuntime rt = runtime("multi")) {
            // inside a runtime but not inside a set: still an error, with the same advice
            IllegalStateException inTask = assertThrows(IllegalStateException.class,
                    () -> rt.blockOn(Futures.lazy(() -> Task.spawnLocal(yielding(1)))));
            assertTrue(inTask.getMessage().contains("runUntil"), inTask.getMessage());
        }
    }

    @Test
    void aSetBelongsToOneThread() throws InterruptedException {
        try (LocalSet local = new LocalSet()) {
            local.spawnLocal(yielding(1)); // the test thread owns it now
            AtomicReference<Throwable> other = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    local.spawnLocal(yielding(1));
                } catch (Throwable e) {
                    other.set(e);
                }
                try {
                    local.poll(Context.of(new TestWaker()));
                } catch (IllegalStateException e) {
                    other.get().addSuppressed(e);
                }
            }, "intruder");
            t.start();
            t.join();
            assertTrue(other.get() instanceof IllegalStateException, String.valueOf(other.get()));
            assertTrue(other.get().getMessage().contains("belongs to thread " + Thread.currentThread().getName()),
                    other.get().getMessage());
            assertEquals(1, other.get().getSuppressed().length, "polling from another thread is refused too");
        }
    }

    @Test
    void closingTheSetCancelsItsTasksOnTheClosingThread() {
        AtomicReference<Thread> cancelledOn = new AtomicReference<>();
        LocalSet local = new LocalSet();
        JoinHandle<Void> forever = local.spawnLocal(new Future<>() {
            @Override
            public Poll<Void> poll(Context cx) {
                return Poll.pending();
            }

            @Override
            public void cancel() {
                cancelledOn.set(Thread.currentThread());
            }
        });
        TestWaker w = new TestWaker();
        assertFalse(local.poll(Context.of(w)).isReady(), "the task waits forever");
        local.close();
        assertSame(Thread.currentThread(), cancelledOn.get());
        JoinException e = assertThrows(JoinException.class, () -> forever.poll(Context.of(w)));
        assertTrue(e.isCancelled());
        assertTrue(local.poll(Context.of(w)).isReady(), "no task left: the set as a future is complete");
        assertThrows(IllegalStateException.class, () -> local.spawnLocal(yielding(1)));
    }

    @Test
    void theSetAsAFutureCompletesWhenAllItsTasksHaveAndAbortsFromOtherThreadsWork() {
        try (AsyncRuntime rt = runtime("multi"); LocalSet local = new LocalSet()) {
            Thread me = Thread.currentThread();
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < 20; i++) {
                local.spawnLocal(yielding(i).map(n -> done.incrementAndGet()));
            }
            AtomicReference<Thread> cancelledOn = new AtomicReference<>();
            JoinHandle<Void> victim = local.spawnLocal(new Future<>() {
                @Override
                public Poll<Void> poll(Context cx) {
                    return Poll.pending();
                }

                @Override
                public void cancel() {
                    cancelledOn.set(Thread.currentThread());
                }
            });
            rt.spawn(Futures.lazy(() -> {
                victim.abort(); // from a worker thread: the cancellation itself runs on the set's thread
                return null;
            }));
            rt.blockOn(local);
            assertEquals(20, done.get());
            assertSame(me, cancelledOn.get());
            assertEquals(0, local.size());
        }
    }
}
