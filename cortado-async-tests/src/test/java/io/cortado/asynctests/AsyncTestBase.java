package io.cortado.asynctests;

import io.cortado.AsyncRuntime;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import org.junit.jupiter.api.BeforeEach;

import java.util.Collections;
import java.util.ArrayList;
import java.util.List;

/** The base of the conformance tests: runtimes to run async methods on, and a hand-driven poller. */
abstract class AsyncTestBase extends RuntimeTestBase {
    /** @return how the async methods of this run were compiled: {@code plugin} or {@code agent} */
    static String mode() {
        return System.getProperty("cortado.async.mode", "none");
    }

    @BeforeEach
    final void resetCounters() {
        Later.resetPolls();
    }

    /** Runs {@code f} to completion on a current-thread runtime. */
    static <T> T run(Future<T> f) {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            return rt.blockOn(f);
        }
    }

    /** Runs {@code f} to completion on a two-worker multi-thread runtime (its tasks move between threads). */
    static <T> T runMulti(Future<T> f) {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            return rt.blockOn(f);
        }
    }

    /** @return a thread-safe log */
    static List<String> log() {
        return Collections.synchronizedList(new ArrayList<>());
    }

    /** A future polled by hand, with a waker that counts its wakes. */
    static final class Driver<T> {
        final Future<T> future;
        final TestWaker waker = new TestWaker();
        int polls;

        Driver(Future<T> future) {
            this.future = future;
        }

        Poll<T> poll() {
            polls++;
            return future.poll(waker.context());
        }

        /** Polls, expecting {@code Pending}. */
        void pending() {
            Poll<T> p = poll();
            if (p.isReady()) {
                throw new AssertionError("expected Pending, got " + p);
            }
        }

        /** Polls, expecting {@code Ready}. @return the value */
        T ready() {
            Poll<T> p = poll();
            if (!p.isReady()) {
                throw new AssertionError("expected Ready, got Pending");
            }
            return p.value();
        }
    }
}
