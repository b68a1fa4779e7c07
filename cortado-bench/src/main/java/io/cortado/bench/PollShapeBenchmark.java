package io.cortado.bench;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Which representation of {@code Poll} is fastest on the hot path? Three shapes, each driving the same work:
 * a chain of three {@code map} stages over a leaf future, polled to completion.
 * <ul>
 *   <li>{@code sealed}: Cortado's {@link Poll} (sealed interface; {@code Ready} record, one shared {@code Pending});</li>
 *   <li>{@code finalClass}: one final class with a value field and an identity-compared shared PENDING;</li>
 *   <li>{@code sentinel}: no wrapper: poll returns the value itself or a PENDING sentinel object.</li>
 * </ul>
 * {@code ready*} polls a leaf that is ready at once; {@code pending*} a leaf that is pending three polls out of
 * four, so both outcomes flow through the chain. Three leaf classes are in use at each call site during the run
 * (the benchmark rotates them) so the JIT sees a realistic, polymorphic profile.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PollShapeBenchmark {
    private final Context cx = Context.of(Waker.noop());
    private int round;

    // ---- shape 1: io.cortado.Poll (sealed interface + records) -------------------------------------------------

    static final class SReady implements Future<Integer> {
        int v;

        @Override
        public Poll<Integer> poll(Context cx) {
            return Poll.ready(++v);
        }
    }

    static final class SCountdown implements Future<Integer> {
        int n;

        @Override
        public Poll<Integer> poll(Context cx) {
            return (++n & 3) == 0 ? Poll.ready(n) : Poll.pending();
        }
    }

    static final class SOther implements Future<Integer> {
        int v;

        @Override
        public Poll<Integer> poll(Context cx) {
            return (++v & 1) == 0 ? Poll.ready(v) : Poll.pending();
        }
    }

    static final class SMap implements Future<Integer> {
        final Future<Integer> inner;

        SMap(Future<Integer> inner) {
            this.inner = inner;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            Poll<Integer> p = inner.poll(cx);
            return p.isReady() ? Poll.ready(p.value() + 1) : Poll.pending();
        }
    }

    private final Future<Integer>[] sealedReady = chains(new SReady(), new SReady(), new SReady());
    private final Future<Integer>[] sealedMixed = chains(new SCountdown(), new SOther(), new SReady());

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Future<Integer>[] chains(Future<Integer> a, Future<Integer> b, Future<Integer> c) {
        return new Future[]{new SMap(new SMap(new SMap(a))), new SMap(new SMap(new SMap(b))),
                new SMap(new SMap(new SMap(c)))};
    }

    private int next() {
        int r = round + 1;
        round = r == 3 ? 0 : r;
        return r == 3 ? 0 : r;
    }

    @Benchmark
    public int sealedReady() {
        Poll<Integer> p = sealedReady[next()].poll(cx);
        return p.value();
    }

    @Benchmark
    public int sealedPending() {
        Poll<Integer> p = sealedMixed[next()].poll(cx);
        return p.isReady() ? p.value() : -1;
    }

    // ---- shape 2: one final class, PENDING by identity ---------------------------------------------------------

    static final class FPoll<T> {
        static final FPoll<?> PENDING = new FPoll<>(null);
        final T value;

        FPoll(T value) {
            this.value = value;
        }

        boolean isReady() {
            return this != PENDING;
        }

        @SuppressWarnings("unchecked")
        static <T> FPoll<T> pending() {
            return (FPoll<T>) PENDING;
        }
    }

    interface FFuture<T> {
        FPoll<T> poll(Context cx);
    }

    static final class FReady implements FFuture<Integer> {
        int v;

        @Override
        public FPoll<Integer> poll(Context cx) {
            return new FPoll<>(++v);
        }
    }

    static final class FCountdown implements FFuture<Integer> {
        int n;

        @Override
        public FPoll<Integer> poll(Context cx) {
            return (++n & 3) == 0 ? new FPoll<>(n) : FPoll.pending();
        }
    }

    static final class FOther implements FFuture<Integer> {
        int v;

        @Override
        public FPoll<Integer> poll(Context cx) {
            return (++v & 1) == 0 ? new FPoll<>(v) : FPoll.pending();
        }
    }

    static final class FMap implements FFuture<Integer> {
        final FFuture<Integer> inner;

        FMap(FFuture<Integer> inner) {
            this.inner = inner;
        }

        @Override
        public FPoll<Integer> poll(Context cx) {
            FPoll<Integer> p = inner.poll(cx);
            return p.isReady() ? new FPoll<>(p.value + 1) : FPoll.pending();
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private final FFuture<Integer>[] finalReady = new FFuture[]{new FMap(new FMap(new FMap(new FReady()))),
            new FMap(new FMap(new FMap(new FReady()))), new FMap(new FMap(new FMap(new FReady())))};
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final FFuture<Integer>[] finalMixed = new FFuture[]{new FMap(new FMap(new FMap(new FCountdown()))),
            new FMap(new FMap(new FMap(new FOther()))), new FMap(new FMap(new FMap(new FReady())))};

    @Benchmark
    public int finalClassReady() {
        return finalReady[next()].poll(cx).value;
    }

    @Benchmark
    public int finalClassPending() {
        FPoll<Integer> p = finalMixed[next()].poll(cx);
        return p.isReady() ? p.value : -1;
    }

    // ---- shape 3: no wrapper, a sentinel for pending ------------------------------------------------------------

    static final Object PENDING = new Object();

    interface OFuture {
        Object poll(Context cx);
    }

    static final class OReady implements OFuture {
        int v;

        @Override
        public Object poll(Context cx) {
            return ++v;
        }
    }

    static final class OCountdown implements OFuture {
        int n;

        @Override
        public Object poll(Context cx) {
            return (++n & 3) == 0 ? (Object) n : PENDING;
        }
    }

    static final class OOther implements OFuture {
        int v;

        @Override
        public Object poll(Context cx) {
            return (++v & 1) == 0 ? (Object) v : PENDING;
        }
    }

    static final class OMap implements OFuture {
        final OFuture inner;

        OMap(OFuture inner) {
            this.inner = inner;
        }

        @Override
        public Object poll(Context cx) {
            Object p = inner.poll(cx);
            return p != PENDING ? (Object) ((Integer) p + 1) : PENDING;
        }
    }

    private final OFuture[] sentinelReady = {new OMap(new OMap(new OMap(new OReady()))),
            new OMap(new OMap(new OMap(new OReady()))), new OMap(new OMap(new OMap(new OReady())))};
    private final OFuture[] sentinelMixed = {new OMap(new OMap(new OMap(new OCountdown()))),
            new OMap(new OMap(new OMap(new OOther()))), new OMap(new OMap(new OMap(new OReady())))};

    @Benchmark
    public int sentinelReady() {
        return (Integer) sentinelReady[next()].poll(cx);
    }

    @Benchmark
    public int sentinelPending() {
        Object p = sentinelMixed[next()].poll(cx);
        return p != PENDING ? (Integer) p : -1;
    }
}
