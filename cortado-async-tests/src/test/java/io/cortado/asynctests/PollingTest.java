package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Task;
import io.cortado.async.Async;
import io.cortado.stream.Stream;
import org.junit.jupiter.api.Test;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame's poll protocol, driven by hand with a counting waker. */
class PollingTest extends AsyncTestBase {
    static int started;

    static Future<Integer> allReady() {
        started++;
        int a = await(Futures.ready(1));
        int b = await(Futures.ready(2));
        int c = await(Async.done(3));
        return Async.done(a + b + c);
    }

    static Future<Integer> pendingOnce(int x) {
        int a = await(Later.value(x));
        int b = await(Futures.ready(1));
        return Async.done(a + b);
    }

    static Future<Integer> failsAfterASuspension(String[] log) {
        log[0] = "started";
        await(Later.value(0));
        throw new IllegalStateException("failed once");
    }

    static Future<Integer> returnsNull() {
        await(Later.value(0));
        return null;
    }

    static int generatorRuns;

    static Stream<Integer> failingGenerator() {
        generatorRuns++;
        Async.yield(1);
        await(Later.value(0));
        throw new IllegalStateException("generator failed once");
    }

    @Test
    void nothingRunsBeforeTheFirstPoll() {
        started = 0;
        Future<Integer> f = allReady();
        assertEquals(0, started, "calling the method only made its frame");
        assertEquals(6, new Driver<>(f).ready());
        assertEquals(1, started);
    }

    @Test
    void awaitsOfReadyFuturesContinueWithoutPending() {
        Driver<Integer> d = new Driver<>(allReady());
        assertEquals(6, d.ready());
        assertEquals(1, d.polls, "one poll");
        assertEquals(0, d.waker.wakes(), "and no wake");
    }

    @Test
    void anAwaitThatIsPendingOnceCostsOnePollAndOneWake() {
        Driver<Integer> d = new Driver<>(pendingOnce(41));
        d.pending();
        assertEquals(1, d.waker.wakes(), "the awaited future woke the task");
        assertEquals(1, Later.POLLS.get());
        assertEquals(42, d.ready());
        assertEquals(2, Later.POLLS.get(), "the awaited future was polled again on resume, once");
        assertEquals(1, d.waker.wakes());
    }

    @Test
    void pollingAfterCompletionIsAnError() {
        Driver<Integer> d = new Driver<>(pendingOnce(1));
        d.pending();
        assertEquals(2, d.ready());
        IllegalStateException e = assertThrows(IllegalStateException.class, d::poll);
        assertTrue(e.getMessage().contains("polled after it completed"), e.getMessage());
    }

    @Test
    void pollingAfterAFailureIsAnErrorAndDoesNotRunTheMethodAgain() {
        String[] log = new String[1];
        Driver<Integer> d = new Driver<>(failsAfterASuspension(log));
        d.pending();
        assertEquals("failed once", assertThrows(IllegalStateException.class, d::poll).getMessage());
        log[0] = null;
        IllegalStateException again = assertThrows(IllegalStateException.class, d::poll);
        assertTrue(again.getMessage().contains("polled after it completed"), again.getMessage());
        assertEquals(null, log[0]);
        d.future.cancel(); // a no-op after completion
    }

    @Test
    void aGeneratorThatFailedIsOver() {
        generatorRuns = 0;
        Stream<Integer> s = failingGenerator();
        assertEquals(1, new Driver<>(s.next()).ready());
        Driver<Integer> d = new Driver<>(s.next());
        d.pending();
        assertEquals("generator failed once", assertThrows(IllegalStateException.class, d::poll).getMessage());
        assertNull(new Driver<>(s.next()).ready(), "a failure ended the stream");
        assertEquals(1, generatorRuns);
        s.cancel(); // a no-op once ended
    }

    @Test
    void returningNullIsAnError() {
        Driver<Integer> d = new Driver<>(returnsNull());
        d.pending();
        NullPointerException e = assertThrows(NullPointerException.class, d::poll);
        assertTrue(e.getMessage().contains("Async.done(value)"), e.getMessage());
    }

    @Test
    void yieldNowSuspendsAndResumesOnARuntime() {
        Driver<Integer> d = new Driver<>(Async.fn(() -> {
            await(Task.yieldNow());
            await(Task.yieldNow());
            return 5;
        }));
        d.pending();
        d.pending();
        assertEquals(5, d.ready());
        assertEquals(2, d.waker.wakes());
    }
}
