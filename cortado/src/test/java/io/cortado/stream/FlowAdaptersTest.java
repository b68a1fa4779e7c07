package io.cortado.stream;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Sleep;
import io.cortado.time.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FlowAdapters} against the Reactive Streams rules it claims (§1.1, §1.3, §1.7, §1.9, §2.5, §3.9, §3.13,
 * §3.17), {@link StreamMap}, and the stream combinators that keep time.
 */
class FlowAdaptersTest extends RuntimeTestBase {

    /** Records every signal and checks the publisher-side rules as they arrive. */
    private static final class Recorder<T> implements Flow.Subscriber<T> {
        final List<String> signals = Collections.synchronizedList(new ArrayList<>());
        final List<T> items = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean inSignal = new AtomicBoolean();
        final AtomicReference<String> violation = new AtomicReference<>();
        final CountDownLatch terminated = new CountDownLatch(1);
        volatile Flow.Subscription subscription;
        long requested;

        private void enter(String what) {
            if (!inSignal.compareAndSet(false, true)) {
                violation.compareAndSet(null, "§1.3: concurrent signals at " + what);
            }
            if (signals.isEmpty() && !what.equals("onSubscribe")) {
                violation.compareAndSet(null, "§1.9: " + what + " before onSubscribe");
            }
            if (terminated.getCount() == 0) {
                violation.compareAndSet(null, "§1.7: " + what + " after a terminal signal");
            }
            signals.add(what);
        }

        private void exit() {
            inSignal.set(false);
        }

        synchronized void request(long n) {
            requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
            subscription.request(n);
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            enter("onSubscribe");
            subscription = s;
            exit();
        }

        @Override
        public void onNext(T item) {
            enter("onNext");
            items.add(item);
            synchronized (this) {
                if (items.size() > requested) {
                    violation.compareAndSet(null, "§1.1: more onNext than requested");
                }
            }
            exit();
        }

        @Override
        public void onError(Throwable t) {
            enter("onError " + t.getClass().getSimpleName());
            exit();
            terminated.countDown();
        }

        @Override
        public void onComplete() {
            enter("onComplete");
            exit();
            terminated.countDown();
        }
    }

    @Test
    void aPublishedStreamHonoursDemandAndSignalsSerially() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            Flow.Publisher<Integer> p = FlowAdapters.toPublisher(Streams.iter(List.of(1, 2, 3, 4, 5, 6, 7)),
                    rt.handle());
            Recorder<Integer> r = new Recorder<>();
            p.subscribe(r);
            awaitCondition(() -> r.subscription != null, "onSubscribe");
            r.request(3);
            awaitCondition(() -> r.items.size() == 3, "three items");
            assertEquals(3, r.items.size(), "§1.1: no more than requested");
            r.request(2);
            r.request(Long.MAX_VALUE); // §3.17: demand saturates
            assertTrue(r.terminated.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), r.items);
            assertEquals("onComplete", r.signals.getLast());
            assertEquals(null, r.violation.get());

            Recorder<Integer> second = new Recorder<>();
            p.subscribe(second);
            assertTrue(second.terminated.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("onSubscribe", "onError IllegalStateException"), second.signals, "§1.9, §2.5");
        }
    }

    @Test
    void aNonPositiveRequestIsAnErrorAndCancelStopsTheStream() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            Recorder<Integer> r = new Recorder<>();
            FlowAdapters.toPublisher(Streams.repeat(1), rt.handle()).subscribe(r);
            awaitCondition(() -> r.subscription != null, "onSubscribe");
            r.subscription.request(0);
            assertTrue(r.terminated.await(10, TimeUnit.SECONDS));
            assertEquals("onError IllegalArgumentException", r.signals.getLast(), "§3.9");

            AtomicInteger cancels = new AtomicInteger();
            Stream<Integer> endless = new Stream<>() {
                @Override
                public io.cortado.Poll<Integer> pollNext(io.cortado.Context cx) {
                    return io.cortado.Poll.ready(1);
                }

                @Override
                public void cancel() {
                    cancels.incrementAndGet();
                }
            };
            Recorder<Integer> c = new Recorder<>();
            FlowAdapters.toPublisher(endless, rt.handle()).subscribe(c);
            awaitCondition(() -> c.subscription != null, "onSubscribe");
            c.request(5);
            awaitCondition(() -> c.items.size() == 5, "five items");
            c.subscription.cancel();
            c.subscription.request(5); // §3.6: after cancel, requests do nothing
            awaitCondition(() -> cancels.get() == 1, "§3.13: cancel reaches the stream");
            assertEquals(5, c.items.size(), "no signal after cancel");
            assertEquals(null, c.violation.get());
        }
    }

    @Test
    void aStreamThatFailsOrEndsAtOnceIsSignalledWithoutARequest() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            Stream<Integer> failing = cx -> {
                throw new IllegalStateException("fails at once");
            };
            Recorder<Integer> r = new Recorder<>();
            FlowAdapters.toPublisher(failing, rt.handle()).subscribe(r);
            assertTrue(r.terminated.await(10, TimeUnit.SECONDS), "§1.4: onError needs no request");
            assertEquals(List.of("onSubscribe", "onError IllegalStateException"), r.signals);

            Recorder<Integer> e = new Recorder<>();
            FlowAdapters.toPublisher(Streams.<Integer>empty(), rt.handle()).subscribe(e);
            assertTrue(e.terminated.await(10, TimeUnit.SECONDS), "§1.5: onComplete needs no request");
            assertEquals(List.of("onSubscribe", "onComplete"), e.signals);
            assertEquals(null, r.violation.get());
            assertEquals(null, e.violation.get());
        }
    }

    @Test
    void aPublisherOnAShutDownRuntimeSignalsOnSubscribeThenOnError() throws Exception {
        AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build();
        Recorder<Integer> during = new Recorder<>();
        FlowAdapters.toPublisher(Streams.repeat(1), rt.handle()).subscribe(during);
        awaitCondition(() -> during.subscription != null, "onSubscribe");
        rt.close();
        assertTrue(during.terminated.await(10, TimeUnit.SECONDS), "closed while subscribed: onError");
        assertEquals("onError CancellationException", during.signals.getLast());

        Recorder<Integer> after = new Recorder<>();
        FlowAdapters.toPublisher(Streams.repeat(1), rt.handle()).subscribe(after);
        assertTrue(after.terminated.await(10, TimeUnit.SECONDS), "§1.9 on a shut-down runtime");
        assertEquals(List.of("onSubscribe", "onError CancellationException"), after.signals);
        assertEquals(null, during.violation.get());
        assertEquals(null, after.violation.get());
    }

    @Test
    void aPublisherBecomesAStreamAndBack() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            SubmissionPublisher<Integer> pub = new SubmissionPublisher<>();
            var h = rt.spawn(FlowAdapters.toStream(pub, 4).collect());
            awaitCondition(() -> pub.getNumberOfSubscribers() == 1, "the stream subscribed");
            for (int i = 0; i < 100; i++) {
                pub.submit(i);
            }
            pub.close(); // completes the subscriber
            List<Integer> got = rt.blockOn(h);
            assertEquals(100, got.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(i, got.get(i));
            }
            SubmissionPublisher<Integer> failing = new SubmissionPublisher<>();
            var f = rt.spawn(FlowAdapters.toStream(failing, 2).collect());
            awaitCondition(() -> failing.getNumberOfSubscribers() == 1, "subscribed");
            failing.closeExceptionally(new IllegalStateException("upstream failed"));
            io.cortado.JoinException e = assertThrows(io.cortado.JoinException.class, () -> rt.blockOn(f));
            assertInstanceOf(IllegalStateException.class, e.getCause());

            List<Integer> round = rt.blockOn(rt.spawn(FlowAdapters.toStream(
                    FlowAdapters.toPublisher(Streams.iter(List.of(5, 6, 7)), rt.handle()), 1).collect()));
            assertEquals(List.of(5, 6, 7), round);
        }
    }

    /**
     * §2.6: a stream cancelled before its publisher's {@code onSubscribe} arrives (publishers such as
     * {@link SubmissionPublisher} call it later, from their executor) cancels the subscription it then gets, and
     * requests nothing on it; before the fix it requested its buffer and was never cancelled, so the publisher kept
     * the dead subscriber and sent to it for ever.
     */
    @Test
    void aStreamCancelledBeforeOnSubscribeCancelsTheSubscriptionItGetsLater() {
        AtomicReference<Flow.Subscriber<? super Integer>> subscriber = new AtomicReference<>();
        Flow.Publisher<Integer> later = subscriber::set; // onSubscribe comes when the test calls it
        Stream<Integer> stream = FlowAdapters.toStream(later, 4);
        io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
        assertEquals(false, stream.pollNext(w.context()).isReady(), "no item before onSubscribe");
        assertTrue(subscriber.get() != null, "the first poll subscribes");
        stream.cancel();

        AtomicInteger cancels = new AtomicInteger();
        List<Long> requests = Collections.synchronizedList(new ArrayList<>());
        subscriber.get().onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                requests.add(n);
            }

            @Override
            public void cancel() {
                cancels.incrementAndGet();
            }
        });
        assertEquals(1, cancels.get(), "§2.6: the late subscription is cancelled");
        assertEquals(List.of(), requests, "a cancelled stream requests nothing");
    }

    /**
     * Rule 4's race: the stream's {@code cancel} on one thread, the publisher's {@code onSubscribe} on another. Every
     * round must cancel the subscription; the test also counts that both sides did the cancelling in some rounds
     * (cancel saw the subscription; onSubscribe saw the cancel), so both orders were exercised.
     */
    @Test
    void aCancelRacingOnSubscribeAlwaysCancelsTheSubscription() throws Exception {
        int rounds = 2_000 * stressScale();
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        AtomicReference<Flow.Subscriber<? super Integer>> subscriber = new AtomicReference<>();
        AtomicReference<Stream<Integer>> stream = new AtomicReference<>();
        AtomicInteger byCancel = new AtomicInteger();
        AtomicInteger byOnSubscribe = new AtomicInteger();
        AtomicInteger uncancelled = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread canceller = new Thread(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    start.await();
                    stream.get().cancel();
                    start.await();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "test-canceller");
        canceller.start();
        for (int i = 0; i < rounds; i++) {
            Flow.Publisher<Integer> later = subscriber::set;
            Stream<Integer> s = FlowAdapters.toStream(later, 2);
            s.pollNext(new io.cortado.testing.TestWaker().context());
            stream.set(s);
            AtomicInteger cancels = new AtomicInteger();
            Thread me = Thread.currentThread();
            Flow.Subscription sub = new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                    cancels.incrementAndGet();
                    (Thread.currentThread() == me ? byOnSubscribe : byCancel).incrementAndGet();
                }
            };
            start.await();
            subscriber.get().onSubscribe(sub);
            start.await(); // the canceller's cancel has returned
            if (cancels.get() == 0) {
                uncancelled.incrementAndGet();
            }
        }
        canceller.join();
        assertEquals(null, failure.get());
        assertEquals(0, uncancelled.get(), "rounds whose subscription was never cancelled");
        assertTrue(byCancel.get() > 0 && byOnSubscribe.get() > 0,
                "both orders happened: cancel saw the subscription " + byCancel + " times, onSubscribe saw the"
                        + " cancel " + byOnSubscribe + " times");
    }

    /** The same with a real asynchronous publisher: it is left with no subscriber. */
    @Test
    void aSubmissionPublisherLosesAStreamCancelledBeforeItsOnSubscribe() {
        List<Runnable> queued = Collections.synchronizedList(new ArrayList<>());
        try (SubmissionPublisher<Integer> pub = new SubmissionPublisher<>(queued::add, 8)) {
            Stream<Integer> stream = FlowAdapters.toStream(pub, 2);
            io.cortado.testing.TestWaker w = new io.cortado.testing.TestWaker();
            assertEquals(false, stream.pollNext(w.context()).isReady());
            assertEquals(1, pub.getNumberOfSubscribers());
            assertEquals(false, queued.isEmpty(), "onSubscribe is queued on the publisher's executor");
            stream.cancel(); // before the publisher's onSubscribe ran
            while (!queued.isEmpty()) {
                queued.removeFirst().run(); // onSubscribe, then whatever it leads to
            }
            pub.submit(1); // a closed subscriber is dropped when the publisher next offers to it
            while (!queued.isEmpty()) {
                queued.removeFirst().run();
            }
            assertEquals(0, pub.getNumberOfSubscribers(), "§2.6: the stream cancelled its late subscription");
        }
    }

    @Test
    void streamMapMultiplexesKeyedStreamsAndDropsEndedOnes() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            StreamMap<String, Integer> m = new StreamMap<>();
            m.insert("a", Streams.of(1, 2));
            m.insert("b", Streams.of(10, 20, 30));
            List<Map.Entry<String, Integer>> all = rt.blockOn(m.collect());
            assertEquals(List.of(Map.entry("a", 1), Map.entry("b", 10), Map.entry("a", 2), Map.entry("b", 20),
                    Map.entry("b", 30)), all, "round robin, ended streams removed");
            assertEquals(0, m.size());
        }
    }

    @Test
    void chunksThrottleAndTimeoutKeepTime() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().startPaused(true).build()) {
            assertEquals(List.of(List.of(1, 2), List.of(3, 4), List.of(5)),
                    rt.blockOn(Streams.of(1, 2, 3, 4, 5).chunks(2).collect()));
            // items at 0, 10, 20, 300 ms: chunks of 3 or whatever is there 50 ms after a chunk began
            Stream<Integer> slow = Streams.unfold(0, i -> i == 4 ? Futures.ready(null)
                    : Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(i == 3 ? 280 : i == 0 ? 0 : 10)))
                    .then(s -> s).map(v -> new Streams.Step<>(i + 1, i + 1)));
            assertEquals(List.of(List.of(1, 2, 3), List.of(4)),
                    rt.blockOn(Futures.lazy(() -> slow.chunksTimeout(3, Duration.ofMillis(50)).collect())
                            .then(f -> f)));
            java.time.Instant t0 = rt.handle().clock().now();
            List<Long> at = rt.blockOn(Futures.lazy(() -> Streams.of(1, 2, 3)
                    .throttle(Duration.ofMillis(100))
                    .map(x -> Duration.between(t0, rt.handle().clock().now()).toMillis()).collect()).then(f -> f));
            assertEquals(List.of(0L, 100L, 200L), at, "one item per 100 ms");
            io.cortado.JoinException e = assertThrows(io.cortado.JoinException.class, () -> rt.blockOn(rt.spawn(
                    Futures.lazy(() -> Streams.once(Sleep.sleep(Duration.ofSeconds(5)).map(v -> 1))
                            .timeout(Duration.ofSeconds(1)).collect()).then(f -> f))));
            assertInstanceOf(TimeoutException.class, e.getCause());
        }
    }
}
