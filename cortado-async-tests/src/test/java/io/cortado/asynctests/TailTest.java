package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.async.Async;
import org.junit.jupiter.api.Test;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code return someFuture}: the method's future completes as the returned one does. */
class TailTest extends AsyncTestBase {
    static Future<Integer> tailOfAPendingFuture(int x) {
        int y = await(Later.value(x));
        return Later.value(y * 2);
    }

    static Future<Integer> tailCallOfAnAsyncMethod(int n) {
        if (n == 0) {
            return Futures.ready(0);
        }
        await(Later.value(0));
        return tailCallOfAnAsyncMethod(n - 1).map(v -> v + 1); // a chain of tails
    }

    static Future<String> tailThatFails() {
        await(Later.value(0));
        return Futures.failed(new IllegalStateException("tail failed"));
    }

    static Future<Object> doneWithTheSameObject(Object o) {
        await(Later.value(0));
        return Async.done(o);
    }

    @Test
    void returningAPendingFuture() {
        assertEquals(42, run(tailOfAPendingFuture(21)));
        Driver<Integer> d = new Driver<>(tailOfAPendingFuture(1));
        d.pending();            // the await
        d.pending();            // the tail, polled in the same poll after the method returned it
        assertEquals(2, d.ready());
        assertEquals(2, d.waker.wakes());
    }

    @Test
    void tailCallsOfAsyncMethods() {
        assertEquals(100, run(tailCallOfAnAsyncMethod(100)));
    }

    @Test
    void aFailedTailFailsTheMethod() {
        assertEquals("tail failed", assertThrows(IllegalStateException.class, () -> run(tailThatFails()))
                .getMessage());
    }

    @Test
    void asyncDoneCompletesWithTheValueItself() {
        Object o = new Object();
        assertSame(o, run(doneWithTheSameObject(o)));
    }
}
