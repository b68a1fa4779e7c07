package io.cortado;

import io.cortado.stream.FuturesUnordered;
import io.cortado.stream.Stream;
import io.cortado.stream.Streams;
import io.cortado.testing.Probe;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.testing.TestWaker;
import io.cortado.time.Clock;
import io.cortado.time.Timeout;
import io.cortado.time.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The async combinators against a model, on seeded random scripts: hand-made futures ({@link Probe}s) that are ready
 * at once, become ready or fail at a random later step, or never complete, resolved in a random order within a step.
 * The combinator is polled only when it was woken, so a lost wake-up shows as a result that comes late or never.
 * Each case's display name and every failure message carry its seed; {@code -Dcortado.prop.seed=N} moves the range
 * of seeds (a failing seed replays as the first case of that range), and {@code -Pstress} runs more seeds.
 */
class CombinatorPropertyTest extends RuntimeTestBase {
    private static final int STEPS = 6;

    static LongStream seeds() {
        long base = Long.getLong("cortado.prop.seed", 20_261_207L);
        return LongStream.range(0, 150L * stressScale()).map(i -> base + i);
    }

    enum Kind { VALUE, FAIL, NEVER }

    /** A failure that names its future. */
    static final class Boom extends RuntimeException {
        final int index;

        Boom(int index) {
            super("boom " + index, null, true, false); // suppression on: race keeps earlier failures
            this.index = index;
        }
    }

    /** The script: what each future does and at which step (0: before the first poll). */
    record Script(long seed, List<Kind> kinds, List<Integer> at) {
        static Script random(long seed, SplittableRandom r, boolean failures, boolean nevers) {
            int n = 1 + r.nextInt(6);
            List<Kind> kinds = new ArrayList<>();
            List<Integer> at = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = r.nextInt(10);
                kinds.add(failures && k < 2 ? Kind.FAIL : nevers && k == 2 ? Kind.NEVER : Kind.VALUE);
                at.add(r.nextInt(STEPS));
            }
            return new Script(seed, kinds, at);
        }

        int size() {
            return kinds.size();
        }

        static int value(int i) {
            return 100 + i;
        }

        boolean any(Kind k) {
            return kinds.contains(k);
        }

        /** @return the earliest step at which a future of one of {@code ks} resolves, or -1 */
        int first(Kind... ks) {
            int t = -1;
            for (int i = 0; i < size(); i++) {
                if (List.of(ks).contains(kinds.get(i)) && (t < 0 || at.get(i) < t)) {
                    t = at.get(i);
                }
            }
            return t;
        }

        @Override
        public String toString() {
            return "seed " + seed + " " + IntStream.range(0, size()).mapToObj(i -> kinds.get(i) + "@" + at.get(i))
                    .toList();
        }
    }

    /** What a run observed: the outcome (a value, a Boom or another exception; null if none) and its step. */
    record Outcome(Object result, int step) {
    }

    /**
     * Runs {@code f} (made from the probes) step by step: at each step the probes due resolve in a random order
     * (each wakes its last poller), {@code beforePoll} runs (it may advance a clock), and {@code f} is polled if it
     * is the first step or {@code f} was woken since its last poll.
     */
    static <T> Outcome drive(Script s, SplittableRandom r, List<Probe<Integer>> probes, Future<T> f,
                             java.util.function.IntConsumer beforePoll, int steps) {
        TestWaker w = new TestWaker();
        int seen = -1;
        for (int step = 0; step < steps; step++) {
            if (step > 0) {
                beforePoll.accept(step);
            }
            List<Integer> due = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                if (s.at().get(i) == step && s.kinds().get(i) != Kind.NEVER) {
                    due.add(i);
                }
            }
            Collections.shuffle(due, new java.util.Random(r.nextLong()));
            for (int i : due) {
                if (s.kinds().get(i) == Kind.VALUE) {
                    probes.get(i).complete(Script.value(i));
                } else {
                    probes.get(i).fail(new Boom(i));
                }
            }
            if (step == 0 || w.wakes() != seen) {
                seen = w.wakes();
                try {
                    Poll<T> p = f.poll(w.context());
                    if (p.isReady()) {
                        return new Outcome(p.value(), step);
                    }
                } catch (RuntimeException e) {
                    return new Outcome(e, step);
                }
            }
        }
        return new Outcome(null, -1);
    }

    static List<Probe<Integer>> probes(Script s) {
        List<Probe<Integer>> ps = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            ps.add(new Probe<>());
        }
        return ps;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void joinAllCompletesWithEveryValueOrTheFirstFailure(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Script s = Script.random(seed, r, true, true);
        List<Probe<Integer>> ps = probes(s);
        Future<List<Integer>> f = Futures.joinAll(ps);
        Outcome o = drive(s, r, ps, f, step -> { }, STEPS);
        int firstFail = s.first(Kind.FAIL);
        if (firstFail >= 0) {
            Boom b = assertInstanceOfBoom(s, o.result());
            assertEquals(Kind.FAIL, s.kinds().get(b.index), s + ": failed with a future that did not fail");
            assertEquals(firstFail, s.at().get(b.index), s + ": not the first failure");
            assertEquals(firstFail, o.step(), s + ": failed late (a lost wake?)");
            for (int i = 0; i < s.size(); i++) {
                int t = s.at().get(i);
                int cancels = ps.get(i).cancels();
                if (i == b.index || (s.kinds().get(i) == Kind.VALUE && t < firstFail)) {
                    assertEquals(0, cancels, s + ": future " + i + " finished, yet cancelled");
                } else if (t > firstFail || s.kinds().get(i) == Kind.NEVER) {
                    assertEquals(1, cancels, s + ": unfinished future " + i + " not cancelled exactly once");
                } else {
                    assertTrue(cancels <= 1, s + ": future " + i + " cancelled " + cancels + " times");
                }
            }
        } else if (s.any(Kind.NEVER)) {
            assertEquals(-1, o.step(), s + ": completed although a future never does");
            f.cancel();
            for (int i = 0; i < s.size(); i++) {
                assertEquals(s.kinds().get(i) == Kind.NEVER ? 1 : 0, ps.get(i).cancels(), s + ": cancels of " + i);
            }
        } else {
            List<Integer> expected = IntStream.range(0, s.size()).map(Script::value).boxed().toList();
            assertEquals(expected, o.result(), s.toString());
            assertEquals(s.at().stream().mapToInt(Integer::intValue).max().orElseThrow(), o.step(),
                    s + ": completed late (a lost wake?)");
            ps.forEach(p -> assertEquals(0, p.cancels(), s + ": a finished future was cancelled"));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void selectIsWonByTheFirstToFinishAndCancelsTheRest(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Script s = Script.random(seed, r, true, true);
        boolean biased = r.nextBoolean();
        List<Probe<Integer>> ps = probes(s);
        Future<Selected<Integer>> f = Futures.select(ps, biased ? null : new SplittableRandom(r.nextLong()));
        Outcome o = drive(s, r, ps, f, step -> { }, STEPS);
        int t = s.first(Kind.VALUE, Kind.FAIL);
        if (t < 0) {
            assertEquals(-1, o.step(), s + ": a select of futures that never finish finished");
            f.cancel();
            ps.forEach(p -> assertEquals(1, p.cancels(), s + ": cancelling the select cancels every branch once"));
            return;
        }
        assertEquals(t, o.step(), s + ": finished late (a lost wake?)");
        int winner = o.result() instanceof Selected<?> sel ? sel.index() : assertInstanceOfBoom(s, o.result()).index;
        assertEquals(t, s.at().get(winner), s + ": won by " + winner + ", which was not among the first to finish");
        if (biased) {
            int lowest = IntStream.range(0, s.size()).filter(i -> s.at().get(i) == t
                    && s.kinds().get(i) != Kind.NEVER).min().orElseThrow();
            assertEquals(lowest, winner, s + ": a biased select polls in list order");
        }
        if (s.kinds().get(winner) == Kind.VALUE) {
            assertEquals(Script.value(winner), ((Selected<?>) o.result()).value(), s.toString());
        } else {
            assertInstanceOfBoom(s, o.result());
        }
        for (int i = 0; i < s.size(); i++) {
            assertEquals(i == winner ? 0 : 1, ps.get(i).cancels(), s + ": cancels of branch " + i);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void raceIsWonByTheFirstSuccessAndFailsOnlyWhenAllFail(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Script s = Script.random(seed, r, true, true);
        List<Probe<Integer>> ps = probes(s);
        Future<Integer> f = Futures.race(ps);
        Outcome o = drive(s, r, ps, f, step -> { }, STEPS);
        int t = s.first(Kind.VALUE);
        if (t >= 0) {
            assertEquals(t, o.step(), s + ": finished late (a lost wake?)");
            assertTrue(o.result() instanceof Integer, s + ": " + o.result());
            int winner = (Integer) o.result() - 100;
            assertEquals(Kind.VALUE, s.kinds().get(winner), s.toString());
            assertEquals(t, s.at().get(winner), s + ": " + winner + " was not among the first successes");
            for (int i = 0; i < s.size(); i++) {
                boolean finished = i == winner || s.kinds().get(i) == Kind.FAIL && s.at().get(i) < t;
                if (finished) {
                    assertEquals(0, ps.get(i).cancels(), s + ": finished branch " + i + " cancelled");
                } else if (s.at().get(i) > t || s.kinds().get(i) == Kind.NEVER) {
                    assertEquals(1, ps.get(i).cancels(), s + ": unfinished branch " + i + " not cancelled once");
                }
            }
        } else if (s.any(Kind.NEVER)) {
            assertEquals(-1, o.step(), s + ": a race with no success and a branch still running finished");
        } else {
            int last = s.at().stream().mapToInt(Integer::intValue).max().orElseThrow();
            assertEquals(last, o.step(), s + ": failed before every branch failed");
            Boom b = assertInstanceOfBoom(s, o.result());
            assertEquals(last, s.at().get(b.index), s + ": not the last failure");
            assertEquals(s.size() - 1, b.getSuppressed().length + nestedSuppressed(b), s + ": earlier failures kept");
        }
    }

    private static int nestedSuppressed(Throwable t) {
        int n = 0;
        for (Throwable s : t.getSuppressed()) {
            n += s.getSuppressed().length + nestedSuppressed(s);
        }
        return n;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void timeoutGivesTheFuturesOutcomeUpToItsLimitAndThenFails(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Script s = Script.random(seed, r, true, true);
        Script one = new Script(seed, List.of(s.kinds().get(0)), List.of(s.at().get(0)));
        int limit = 1 + r.nextInt(STEPS - 1);
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().startPaused(true).build()) {
            Clock clock = rt.handle().clock();
            List<Probe<Integer>> ps = probes(one);
            Future<Integer> f = Timeout.timeout(clock, Duration.ofMillis(limit), ps.get(0));
            Outcome o = drive(one, r, ps, f, step -> clock.advance(Duration.ofMillis(1)), STEPS + 1);
            String what = one + " limit " + limit + "ms";
            int at = one.at().get(0);
            Kind k = one.kinds().get(0);
            if (k != Kind.NEVER && at <= limit) { // the future is polled before the timer: a tie is the future's
                assertEquals(at, o.step(), what);
                if (k == Kind.VALUE) {
                    assertEquals(Script.value(0), o.result(), what);
                } else {
                    assertInstanceOfBoom(one, o.result());
                }
                assertEquals(0, ps.get(0).cancels(), what);
            } else {
                assertTrue(o.result() instanceof TimeoutException, what + ": " + o.result());
                assertEquals(limit, o.step(), what + ": timed out at the wrong step (a lost timer wake?)");
                assertEquals(1, ps.get(0).cancels(), what + ": the timed-out future is cancelled once");
            }
        }
    }

    /** Drains {@code stream} step by step, like {@link #drive}, collecting items until the end or the last step. */
    static Outcome driveStream(Script s, SplittableRandom r, List<Probe<Integer>> probes, Stream<Integer> stream,
                               List<Integer> out, List<Integer> stepOf, Runnable afterPoll) {
        List<Object> end = new ArrayList<>();
        Future<Void> drain = cx -> {
            for (; ; ) {
                Poll<Integer> p = stream.pollNext(cx);
                afterPoll.run();
                if (!p.isReady()) {
                    return Poll.pending();
                }
                if (p.value() == null) {
                    return Poll.ready(null);
                }
                out.add(p.value());
                stepOf.add(end.size());
            }
        };
        // the step of each item: drive() calls beforePoll once per step, which keeps end.size() at the step
        return drive(s, r, probes, drain, step -> {
            while (end.size() < step) {
                end.add(step);
            }
        }, STEPS + 1);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void futuresUnorderedYieldsEveryValueInCompletionOrder(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Script s = Script.random(seed, r, false, true);
        List<Probe<Integer>> ps = probes(s);
        FuturesUnordered<Integer> fu = new FuturesUnordered<>();
        ps.forEach(fu::push);
        List<Integer> out = new ArrayList<>();
        List<Integer> stepOf = new ArrayList<>();
        Outcome o = driveStream(s, r, ps, fu, out, stepOf, () -> { });
        List<Integer> expected = IntStream.range(0, s.size()).filter(i -> s.kinds().get(i) == Kind.VALUE)
                .map(Script::value).boxed().sorted().toList();
        assertEquals(expected, out.stream().sorted().toList(), s + ": every value once");
        for (int k = 0; k < out.size(); k++) {
            int i = out.get(k) - 100;
            assertEquals(s.at().get(i), stepOf.get(k), s + ": value of " + i + " yielded at the wrong step");
        }
        if (s.any(Kind.NEVER)) {
            assertEquals(-1, o.step(), s + ": ended although a future never completes");
            fu.cancel();
            for (int i = 0; i < s.size(); i++) {
                assertEquals(s.kinds().get(i) == Kind.NEVER ? 1 : 0, ps.get(i).cancels(), s + ": cancels of " + i);
            }
        } else {
            assertEquals(s.at().stream().mapToInt(Integer::intValue).max().orElseThrow(), o.step(),
                    s + ": the end came late");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void bufferedYieldsInOrderWithAtMostNInFlight(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Script s = Script.random(seed, r, false, true);
        int n = 1 + r.nextInt(3);
        List<Probe<Integer>> ps = probes(s);
        Stream<Integer> st = Streams.iter(ps).buffered(n);
        List<Integer> out = new ArrayList<>();
        List<Integer> stepOf = new ArrayList<>();
        String what = s + " buffered(" + n + ")";
        Outcome o = driveStream(s, r, ps, st, out, stepOf, () -> {
            for (int i = out.size() + n; i < ps.size(); i++) {
                assertEquals(0, ps.get(i).polls(), what + ": future " + i + " started with " + out.size()
                        + " yielded, more than " + n + " in flight");
            }
        });
        // the model: values in list order up to the first future that never completes; each when it and all
        // before it are done
        List<Integer> expected = new ArrayList<>();
        List<Integer> expectedSteps = new ArrayList<>();
        int ready = 0;
        for (int i = 0; i < s.size() && s.kinds().get(i) == Kind.VALUE; i++) {
            ready = Math.max(ready, s.at().get(i));
            expected.add(Script.value(i));
            expectedSteps.add(ready);
        }
        assertEquals(expected, out, what);
        // a future started late (once a slot frees) resolves at its own step or, if that passed, at once
        for (int k = 0; k < out.size(); k++) {
            assertTrue(stepOf.get(k) >= expectedSteps.get(k), what + ": item " + k + " before it was ready");
        }
        if (s.any(Kind.NEVER)) {
            assertEquals(-1, o.step(), what + ": ended although a future never completes");
        } else {
            assertTrue(o.step() >= 0, what + ": never ended");
        }
    }

    private static Boom assertInstanceOfBoom(Script s, Object result) {
        if (result instanceof Boom b) {
            return b;
        }
        return fail(s + ": expected a failure of one of the futures, got " + result);
    }

}
