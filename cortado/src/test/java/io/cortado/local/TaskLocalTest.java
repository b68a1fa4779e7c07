package io.cortado.local;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.TaskLocal;
import io.cortado.sync.Notify;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.cortado.local.LocalSetTest.yielding;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskLocal}: visible in every poll of its future on any worker, invisible to everything else. */
class TaskLocalTest extends RuntimeTestBase {
    static final TaskLocal<String> ID = TaskLocal.newInstance("ID");

    /** A future that checks on each poll that {@link #ID} reads {@code expected}, and records the thread. */
    static <T> Future<T> expecting(String expected, AtomicInteger mismatches, Set<Thread> threads, Future<T> f) {
        return cx -> {
            threads.add(Thread.currentThread());
            if (!ID.isSet() || !expected.equals(ID.get())) {
                mismatches.incrementAndGet();
            }
            return f.poll(cx);
        };
    }

    @Test
    void theValueFollowsItsTaskToAnotherThread() throws InterruptedException {
        // A current-thread runtime runs its tasks on whichever thread calls blockOn: the task's first poll runs on
        // this thread, its second on another one. A thread-local would not follow; the task-local must.
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            Notify resume = new Notify();
            List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
            Future<Void> waiting = resume.notified();
            JoinHandle<String> h = rt.spawn(ID.scope("request-7", cx -> {
                seen.add(ID.get() + "@" + Thread.currentThread().getName());
                return waiting.poll(cx).isReady() ? Poll.ready(ID.get()) : Poll.pending();
            }));
            rt.blockOn(Futures.pollFn(cx -> { // drive the runtime here until the task was polled once
                if (!seen.isEmpty()) {
                    return Poll.ready(null);
                }
                cx.waker().wake();
                return Poll.pending();
            }));
            assertFalse(ID.isSet(), "the value does not stay on the thread after the poll");
            AtomicReference<String> result = new AtomicReference<>();
            Thread other = new Thread(() -> {
                resume.notifyOne();
                result.set(rt.blockOn(h));
            }, "other-thread");
            other.start();
            other.join();
            assertEquals("request-7", result.get());
            assertEquals(List.of("request-7@" + Thread.currentThread().getName(), "request-7@other-thread"), seen);
        }
    }

    @Test
    void manyTasksWithTheirOwnValuesInterleaveWithoutSeeingEachOther() {
        AtomicInteger mismatches = new AtomicInteger();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(4).build()) {
            List<JoinHandle<Integer>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String v = "task-" + i;
                all.add(rt.spawn(ID.scope(v, expecting(v, mismatches, threads, yielding(50)))));
            }
            AtomicInteger unscopedSawSomething = new AtomicInteger();
            all.add(rt.spawn(Futures.lazy(() -> ID.isSet() ? unscopedSawSomething.incrementAndGet() : 0)));
            for (JoinHandle<Integer> h : all) {
                rt.blockOn(h);
            }
            assertEquals(0, mismatches.get(), "a poll saw another task's value (or none)");
            assertEquals(0, unscopedSawSomething.get(), "a task without a scope saw a value");
        }
    }

    @Test
    void aSpawnedTaskInheritsOnlyWhenAsked() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            String result = rt.blockOn(ID.scope("parent", Futures.lazy(() -> {
                JoinHandle<String> plain = Task.spawn(Futures.lazy(() -> ID.orElse("none")));
                JoinHandle<String> inherited = Task.spawn(ID.inherit(Futures.lazy(() -> ID.orElse("none"))));
                return Futures.join(plain, inherited).map(t -> t.first() + "/" + t.second());
            }).then(f -> f)));
            assertEquals("none/parent", result);
            assertFalse(ID.isSet(), "nothing leaks onto the thread after the poll");
        }
    }

    @Test
    void scopesNestAndRestoreAndCancelSeesTheValue() {
        AtomicReference<String> atCancel = new AtomicReference<>();
        List<String> trace = new ArrayList<>();
        Future<String> inner = ID.scope("inner", Futures.lazy(() -> {
            trace.add(ID.get());
            return ID.get();
        }));
        Future<String> outer = ID.scope("outer", new Future<>() {
            @Override
            public Poll<String> poll(Context cx) {
                trace.add(ID.get());
                Poll<String> p = inner.poll(cx);
                trace.add(ID.get()); // restored after the inner scope's poll
                return p;
            }
        });
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            assertEquals("inner", rt.blockOn(outer));
            assertEquals(List.of("outer", "inner", "outer"), trace);
            Future<Void> pending = ID.scope("cancelled", new Future<>() {
                @Override
                public Poll<Void> poll(Context cx) {
                    return Poll.pending();
                }

                @Override
                public void cancel() {
                    atCancel.set(ID.orElse("none"));
                }
            });
            JoinHandle<Void> h = rt.spawn(pending);
            rt.blockOn(Task.yieldNow());
            h.abort();
            rt.blockOn(Task.yieldNow());
            assertEquals("cancelled", atCancel.get());
        }
        assertEquals("sync", ID.callWith("sync", ID::get));
    }

    @Test
    void readingOutsideAScopeSaysHowToSetIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, ID::get);
        assertTrue(e.getMessage().contains("ID.scope(value, future)"), e.getMessage());
        assertEquals("fallback", ID.orElse("fallback"));
        assertThrows(NullPointerException.class, () -> ID.scope(null, Futures.ready(1)));
        assertNotSame(ID, TaskLocal.newInstance("ID"), "every instance is its own key");
    }
}
