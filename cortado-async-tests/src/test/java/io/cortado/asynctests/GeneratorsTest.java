package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.async.Async;
import io.cortado.stream.Stream;
import io.cortado.stream.Streams;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Async generators: methods returning {@code Stream} that call {@code Async.yield}. */
class GeneratorsTest extends AsyncTestBase {
    static Stream<Integer> countTo(int n) {
        for (int i = 1; i <= n; i++) {
            Async.yield(i);
        }
        return Async.end();
    }

    static Stream<String> withAwaits(List<String> words) {
        int index = 0;
        for (String w : words) {
            String upper = await(Later.value(w.toUpperCase()));
            Async.yield(index + ":" + upper);
            index += await(Later.value(1));
        }
        Async.yield("total " + index);
        return Async.end();
    }

    static Stream<Integer> untilNegative(List<Integer> xs) {
        for (int x : xs) {
            if (x < 0) {
                return Async.end(); // early end
            }
            Async.yield(await(Later.value(x)));
        }
        Async.yield(-1);
        return Async.end();
    }

    static Stream<String> thenAnotherStream(int n) {
        for (int i = 0; i < n; i++) {
            Async.yield("own " + await(Later.value(i)));
        }
        return Streams.of("tail a", "tail b"); // the rest of the items come from this stream
    }

    static Stream<Integer> generatorOfGenerator(int n) {
        Stream<Integer> inner = countTo(n);
        for (Integer v = await(inner.next()); v != null; v = await(inner.next())) {
            Async.yield(v * 10);
        }
        return Async.end();
    }

    static Stream<Integer> failsAfter(int n, List<String> log) {
        try {
            for (int i = 0; i < n; i++) {
                Async.yield(i);
            }
            await(Later.value(0));
            throw new IllegalStateException("generator failed");
        } finally {
            log.add("finally");
        }
    }

    static Stream<Integer> naturals(List<String> log) {
        try (Res r = new Res("naturals", log)) {
            for (int i = 0; ; i++) {
                Async.yield(await(Later.value(i)) + r.use().length() * 0);
            }
        } finally {
            log.add("finally");
        }
    }

    static Stream<String> endsInsideTry(List<String> log, int n) {
        try {
            for (int i = 0; ; i++) {
                if (i == n) {
                    return Async.end();
                }
                Async.yield("item " + i);
            }
        } finally {
            log.add("finally " + await(Later.value("after end")));
        }
    }

    static Future<Integer> consume(Stream<Integer> s) {
        int sum = 0;
        Integer v;
        while ((v = await(s.next())) != null) {
            sum += v;
        }
        return Async.done(sum);
    }

    @Test
    void yieldWithoutAwait() {
        assertEquals(List.of(1, 2, 3, 4), run(countTo(4).collect()));
        assertEquals(List.of(), run(countTo(0).collect()));
    }

    @Test
    void yieldWithAwaitsBetween() {
        assertEquals(List.of("0:A", "1:B", "2:C", "total 3"), run(withAwaits(List.of("a", "b", "c")).collect()));
    }

    @Test
    void earlyEndWithReturnAsyncEnd() {
        assertEquals(List.of(1, 2), run(untilNegative(List.of(1, 2, -5, 3)).collect()));
        assertEquals(List.of(1, -1), run(untilNegative(List.of(1)).collect()));
    }

    @Test
    void returningAStreamSuppliesTheRest() {
        assertEquals(List.of("own 0", "own 1", "tail a", "tail b"), run(thenAnotherStream(2).collect()));
    }

    @Test
    void generatorsConsumedByAsyncMethodsAndGenerators() {
        assertEquals(60, run(consume(generatorOfGenerator(3))));
        assertEquals(5050, runMulti(consume(countTo(100))));
    }

    @Test
    void aFailingGeneratorRunsItsFinallyAndFailsTheConsumer() {
        List<String> log = log();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> run(failsAfter(2, log).collect()));
        assertEquals("generator failed", e.getMessage());
        assertEquals(List.of("finally"), log);
    }

    @Test
    void pollingByHandYieldsOneItemPerPoll() {
        Stream<Integer> s = countTo(2);
        Driver<Integer> d = new Driver<>(s.next());
        assertEquals(1, d.ready());
        assertEquals(2, new Driver<>(s.next()).ready());
        assertNull(new Driver<>(s.next()).ready(), "then the end");
        assertNull(new Driver<>(s.next()).ready(), "and the end again");
        assertTrue(d.waker.wakes() == 0);
    }

    @Test
    void aConsumerThatStopsEarlyCancelsTheGenerator() {
        List<String> log = log();
        assertEquals(List.of(0, 1, 2), run(naturals(log).take(3).collect()));
        assertEquals(List.of("open naturals", "use naturals", "use naturals", "use naturals", "close naturals",
                "finally"), log);
    }

    @Test
    void anEarlyEndInsideTryRunsTheFinallyWithItsAwait() {
        List<String> log = log();
        assertEquals(List.of("item 0", "item 1"), run(endsInsideTry(log, 2).collect()));
        assertEquals(List.of("finally after end"), log);
    }
}
