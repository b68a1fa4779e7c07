package io.cortado.asynctests;

import io.cortado.Future;
import io.cortado.Task;
import io.cortado.async.Async;
import io.cortado.sync.Mpsc;
import io.cortado.test.CortadoTest;
import io.cortado.time.Clock;
import io.cortado.time.Sleep;

import java.time.Duration;
import java.time.Instant;

import static io.cortado.async.Async.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Test methods that are async methods, run by cortado-test's engine ({@code @CortadoTest}): the issue 10/11 meeting
 * point. Run in both executions of this module, so the engine meets classes compiled by the plugin and by the agent.
 * (A test method that was not compiled fails: its first await throws the not-compiled error.)
 */
class AsyncCortadoTestsTest {

    @CortadoTest(startPaused = true)
    Future<Void> anAsyncTestMethodSleepsAnHourOfPausedTime(Clock clock) {
        Instant start = clock.now();
        await(Sleep.sleep(Duration.ofHours(1)));
        assertTrue(Duration.between(start, clock.now()).compareTo(Duration.ofHours(1)) >= 0);
        return Async.done(null);
    }

    @CortadoTest(flavor = CortadoTest.Flavor.MULTI_THREAD, workers = 2)
    Future<Void> anAsyncTestMethodAwaitsATaskFeedingIt() {
        Mpsc.Channel<Integer> ch = Mpsc.bounded(4);
        Future<Void> producer = Task.spawn(Async.fn(() -> {
            for (int i = 1; i <= 100; i++) {
                await(ch.sender().send(i));
            }
            ch.sender().close();
            return null;
        }));
        long sum = 0;
        for (Integer v; (v = await(ch.receiver().recv())) != null; ) {
            sum += v;
        }
        await(producer);
        assertEquals(5050, sum);
        return Async.done(null);
    }
}
