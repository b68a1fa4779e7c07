package io.cortado.stream;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.sync.Mpsc;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import io.cortado.time.Interval;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams: combinators against java.util.stream on seeded random inputs, and each one's ordering and cancel rules. */
class StreamTest extends RuntimeTestBase {

    private static <T> List<T> drain(Stream<T> s) {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            return rt.blockOn(s.collect());
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 60);
    }

    /** A random pipeline of synchronous combinators gives what the same java.util.stream pipeline gives. */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomPipelinesMatchJavaUtilStream(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> input = IntStream.range(0, r.nextInt(0, 300)).map(i -> r.nextInt(-50, 50)).boxed().toList();
        Stream<Integer> ours = Streams.iter(input);
        java.util.stream.Stream<Integer> theirs = input.stream();
        StringBuilder ops = new StringBuilder();
        for (int k = r.nextInt(1, 6); k > 0; k--) {
            switch (r.nextInt(6)) {
                case 0 -> {
                    int m = r.nextInt(2, 5);
                    ours = ours.filter(x -> Math.floorMod(x, m) != 0);
                    theirs = theirs.filter(x -> Math.floorMod(x, m) != 0);
                    ops.append(" filter%").append(m);
                }
                case 1 -> {
                    int a = r.nextInt(-3, 4);
                    ours = ours.map(x -> x * a + 1);
                    theirs = theirs.map(x -> x * a + 1);
                    ops.append(" map*").append(a);
                }
                case 2 -> {
                    int n = r.nextInt(0, 50);
                    ours = ours.skip(n);
                    theirs = theirs.skip(n);
                    ops.append(" skip").append(n);
                }
                case 3 -> {
                    int n = r.nextInt(0, 120);
                    ours = ours.take(n);
                    theirs = theirs.limit(n);
                    ops.append(" take").append(n);
                }
                case 4 -> {
                    int bound = r.nextInt(-20, 60);
                    ours = ours.takeWhile(x -> x < bound);
                    theirs = theirs.takeWhile(x -> x < bound);
                    ops.append(" takeWhile<").append(bound);
                }
                default -> {
                    ours = ours.filterMap(x -> x % 3 == 0 ? null : x * 2);
                    theirs = theirs.filter(x -> x % 3 != 0).map(x -> x * 2);
                    ops.append(" filterMap");
                }
            }
        }
        assertEquals(theirs.collect(Collectors.toList()), drain(ours), "seed " + seed + ":" + ops);
    }

    @Test
    void chainZipAndMerge() {
        assertEquals(List.of(1, 2, 3, 4), drain(Streams.of(1, 2).chain(Streams.of(3, 4))));
        assertEquals(List.of("1a", "2b"), drain(Streams.of(1, 2, 3).zip(Streams.of("a", "b"), (i, s) -> i + s)));
        List<Integer> merged = drain(Streams.merge(Streams.of(1, 3, 5), Streams.of(2, 4, 6)));
        assertEquals(List.of(1, 2, 3, 4, 5, 6), merged, "round robin between ready streams");
        assertEquals(List.of(), drain(Streams.empty()));
        assertEquals(List.of(7, 7, 7), drain(Streams.repeat(7).take(3)));
    }

    /** A stream that counts its cancellations and never ends by itself. */
    private static final class Endless implements Stream<Integer> {
        final AtomicInteger cancels = new AtomicInteger();
        int next;

        @Override
        public Poll<Integer> pollNext(Context cx) {
            return Poll.ready(next++);
        }

        @Override
        public void cancel() {
            cancels.incrementAndGet();
        }
    }

    @Test
    void takeAndZipCancelWhatTheyNoLongerNeed() {
        Endless e = new Endless();
        assertEquals(List.of(0, 1, 2), drain(e.take(3)));
        assertEquals(1, e.cancels.get(), "take cancels its source once it has enough");
        Endless other = new Endless();
        assertEquals(2, drain(Streams.of("a", "b").zip(other, (s, i) -> s + i)).size());
        assertTrue(other.cancels.get() >= 1, "zip cancels the other stream when one ends");
        Endless tw = new Endless();
        assertEquals(List.of(0, 1, 2), drain(tw.takeWhile(x -> x < 3)));
        assertEquals(1, tw.cancels.get());
    }

    @Test
    void bufferedKeepsOrderBufferUnorderedGoesByCompletionAndNeitherExceedsTheLimit() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().startPaused(true).build()) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            Future<List<Integer>> ordered = Streams.of(30, 10, 20, 5).map(ms -> Futures.lazy(() -> {
                maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                return Sleep.sleep(Duration.ofMillis(ms)).map(v -> {
                    running.decrementAndGet();
                    return ms;
                });
            }).then(f -> f)).<Integer>buffered(2).collect();
            assertEquals(List.of(30, 10, 20, 5), rt.blockOn(ordered), "buffered yields in the stream's order");
            assertEquals(2, maxRunning.get(), "at most 2 at once");
            Future<List<Integer>> unordered = Streams.of(30, 10, 20, 5).map(ms ->
                    Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(ms))).then(s -> s).map(v -> ms))
                    .<Integer>bufferUnordered(4).collect();
            assertEquals(List.of(5, 10, 20, 30), rt.blockOn(unordered), "bufferUnordered yields as they complete");
            assertThrows(IllegalArgumentException.class, () -> Streams.of(1).buffered(0));
        }
    }

    /** A future that counts its polls and completes when told. */
    private static final class Counted implements Future<Integer> {
        final int value;
        int polls;
        boolean done;
        Waker waker;

        Counted(int value) {
            this.value = value;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            polls++;
            if (done) {
                return Poll.ready(value);
            }
            waker = cx.waker();
            return Poll.pending();
        }

        void complete() {
            done = true;
            waker.wake();
        }
    }

    @Test
    void futuresUnorderedPollsOnlyTheWokenMembers() {
        FuturesUnordered<Integer> set = new FuturesUnordered<>();
        List<Counted> members = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            Counted c = new Counted(i);
            members.add(c);
            set.push(c);
        }
        TestWaker w = new TestWaker();
        Context cx = Context.of(w);
        assertFalse(set.pollNext(cx).isReady(), "first poll: every member once");
        int total = members.stream().mapToInt(c -> c.polls).sum();
        assertEquals(10_000, total);
        for (int k = 0; k < 100; k++) {
            Counted c = members.get(k * 97);
            c.complete();
            Poll<Integer> p = set.pollNext(cx);
            assertTrue(p.isReady());
            assertEquals(c.value, p.value());
        }
        total = members.stream().mapToInt(c -> c.polls).sum();
        assertEquals(10_000 + 100, total, "each wake costs one poll of the woken member, not of all 10,000");
        assertEquals(9_900, set.size());
        set.cancel();
        assertTrue(set.isEmpty());
        assertNull(set.pollNext(cx).value(), "an empty set is at its end");
    }

    @Test
    void futuresOrderedYieldsInPushOrder() {
        FuturesOrdered<Integer> q = new FuturesOrdered<>();
        Counted a = new Counted(1);
        Counted b = new Counted(2);
        q.push(a);
        q.push(b);
        Context cx = Context.of(new TestWaker());
        assertFalse(q.pollNext(cx).isReady());
        b.complete();
        assertFalse(q.pollNext(cx).isReady(), "2 waits for 1");
        a.complete();
        assertEquals(1, q.pollNext(cx).value());
        assertEquals(2, q.pollNext(cx).value());
        assertNull(q.pollNext(cx).value());
    }

    @Test
    void receiversAndIntervalsAreStreams() {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).startPaused(true).build()) {
            Mpsc.UnboundedChannel<Integer> ch = Mpsc.unbounded();
            for (int i = 0; i < 5; i++) {
                ch.sender().send(i);
            }
            ch.sender().close();
            assertEquals(List.of(0, 1, 2, 3, 4), rt.blockOn(Streams.fromReceiver(ch.receiver()).collect()));
            Instant0 t0 = new Instant0(rt.handle().clock().now());
            List<Long> ticks = rt.blockOn(Futures.lazy(() -> Streams.ticks(Interval.every(Duration.ofMillis(10)))
                    .take(4).map(t0::since).collect()).then(f -> f));
            assertEquals(List.of(0L, 10L, 20L, 30L), ticks, "exact tick times on the paused clock");
        }
    }

    @Test
    void broadcastAndWatchReceiversAreStreams() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            var b = io.cortado.sync.Broadcast.<Integer>channel(8);
            for (int i = 0; i < 3; i++) {
                b.sender().send(i);
            }
            b.sender().close();
            assertEquals(List.of(0, 1, 2), rt.blockOn(Streams.fromBroadcast(b.receiver()).collect()));
            var w = io.cortado.sync.Watch.channel("a");
            w.sender().close();
            assertEquals(List.of("a"), rt.blockOn(Streams.fromWatch(w.receiver()).collect()),
                    "the current value, then the end once the sender is closed");
        }
    }

    private record Instant0(java.time.Instant t0) {
        long since(java.time.Instant t) {
            return Duration.between(t0, t).toMillis();
        }
    }

    @Test
    void unfoldAndForEachConcurrent() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().startPaused(true).build()) {
            Stream<Integer> countdown = Streams.unfold(3, n -> Futures.ready(n == 0 ? null : new Streams.Step<>(n, n - 1)));
            assertEquals(List.of(3, 2, 1), rt.blockOn(countdown.collect()));
            AtomicInteger done = new AtomicInteger();
            rt.blockOn(Streams.iter(List.of(5, 1, 3)).forEachConcurrent(2, ms ->
                    Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(ms))).then(s -> s).map(v -> done.incrementAndGet())));
            assertEquals(3, done.get());
            assertEquals(12, (int) rt.blockOn(Streams.of(3, 4, 5).fold(0, Integer::sum)));
        }
    }
}
