package io.cortado.stream;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.testing.RuntimeTestBase;
import org.reactivestreams.tck.TestEnvironment;
import org.testng.ITestResult;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What the Reactive Streams TCK classes ({@link FlowPublisherTckTest}, {@link FlowSubscriberWhiteboxTckTest},
 * {@link FlowSubscriberBlackboxTckTest}) share: their environment, their runtime's life, and a stream of
 * {@link FlowAdapters#toStream} whose subscriber is handed to the TCK.
 *
 * <p>These classes are TestNG tests (the TCK is written for TestNG); the TestNG engine of the JUnit Platform runs
 * them in the ordinary {@code ./mvnw verify}. They cannot extend {@link RuntimeTestBase} (a JUnit base), so each
 * one closes its runtime after the class and checks there, as the base does after each test, that no Cortado
 * thread outlived it. They also check that the TCK skipped only the tests it may ({@link Skips}).
 */
final class FlowTck {
    private FlowTck() {
    }

    /**
     * The TCK's timeouts: 5 s for a signal that must come (a passing test does not wait it out, and a loaded
     * 2-core CI machine needs more than the TCK's 100 ms default); 100 ms for "no signal comes" windows, which
     * only make the negative checks less sensitive if too short, never flaky.
     */
    static TestEnvironment environment() {
        return new TestEnvironment(5_000, 100, 20);
    }

    /** @return a multi-thread runtime of two workers, for one TCK class */
    static AsyncRuntime runtime() {
        List<String> leftovers = RuntimeTestBase.cortadoThreads();
        if (!leftovers.isEmpty()) {
            throw new AssertionError("Cortado threads alive before the TCK class started: " + leftovers);
        }
        return AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    /** Closes the class's runtime and fails if any Cortado thread outlives it. */
    static void close(AsyncRuntime rt) {
        if (rt != null) {
            rt.close();
        }
        List<String> alive = RuntimeTestBase.cortadoThreads();
        if (!alive.isEmpty()) {
            throw new AssertionError("Cortado threads outlived the TCK class: " + alive);
        }
    }

    /**
     * The TCK turns a failing optional test into a skip; this ledger fails the class instead when any test is
     * skipped that is not a justified skip: an {@code untested_*} test (a rule the TCK states it cannot verify, skipped
     * for every implementation) or one of the optional tests the class names and justifies.
     */
    static final class Skips {
        private final Set<String> justified;
        private final Set<String> skipped = ConcurrentHashMap.newKeySet();

        /** @param justified the optional tests the class justifies skipping (its class comment says why) */
        Skips(Set<String> justified) {
            this.justified = justified;
        }

        /** Call from an {@code @AfterMethod(alwaysRun = true)}. */
        void record(ITestResult result) {
            if (result.getStatus() == ITestResult.SKIP) {
                skipped.add(result.getMethod().getMethodName());
            }
        }

        /** Call from the {@code @AfterClass}: fails on an unjustified skip. */
        void check() {
            Set<String> unjustified = new TreeSet<>();
            for (String name : skipped) {
                if (!name.startsWith("untested_") && !justified.contains(name)) {
                    unjustified.add(name);
                }
            }
            if (!unjustified.isEmpty()) {
                throw new AssertionError("the TCK skipped tests that must pass (an optional test the adapter claims"
                        + " fails as a skip): " + unjustified);
            }
        }
    }

    /**
     * A stream made by {@link FlowAdapters#toStream} and the task that consumes it. The stream is subscribed to a
     * publisher whose {@code subscribe} only hands the stream's subscriber out: the TCK then subscribes that
     * subscriber to its own test publisher (it calls {@code onSubscribe}, {@code onNext} ... on it directly).
     *
     * @param subscriber the stream's own subscriber (the object under test)
     * @param consumer   the task that takes every item of the stream as it comes
     * @param <T>        the item type
     */
    record Consumed<T>(Flow.Subscriber<T> subscriber, JoinHandle<Void> consumer) {
    }

    /**
     * Makes a {@code toStream(_, buffer)} stream and spawns its consumer, which reports each item, the end and the
     * failure of the stream as the stream delivers them.
     *
     * @return the stream's subscriber and its consumer task, once the stream has subscribed (its first poll)
     */
    @SuppressWarnings("unchecked")
    static <T> Consumed<T> consumedStream(AsyncRuntime rt, int buffer, Consumer<? super T> onItem,
                                          Runnable onEnd, Consumer<? super Throwable> onError) {
        CompletableFuture<Flow.Subscriber<? super T>> handedOut = new CompletableFuture<>();
        Flow.Publisher<T> handOut = handedOut::complete;
        Stream<T> stream = FlowAdapters.toStream(handOut, buffer);
        JoinHandle<Void> consumer = rt.spawn(new Consuming<>(stream.forEach(onItem), onEnd, onError));
        try {
            return new Consumed<>((Flow.Subscriber<T>) handedOut.get(10, TimeUnit.SECONDS), consumer);
        } catch (Exception e) {
            throw new AssertionError("the stream did not subscribe on its first poll", e);
        }
    }

    /** Drives a stream's {@code forEach} and reports how it ended. */
    private static final class Consuming<T> implements Future<Void> {
        private final Future<Void> forEach;
        private final Runnable onEnd;
        private final Consumer<? super Throwable> onError;

        Consuming(Future<Void> forEach, Runnable onEnd, Consumer<? super Throwable> onError) {
            this.forEach = forEach;
            this.onEnd = onEnd;
            this.onError = onError;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            Poll<Void> p;
            try {
                p = forEach.poll(cx);
            } catch (RuntimeException | Error e) {
                onError.accept(e);
                return Poll.ready(null);
            }
            if (p.isReady()) {
                onEnd.run();
            }
            return p;
        }

        @Override
        public void cancel() {
            forEach.cancel();
        }
    }
}
