package io.cortado.trace;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TaskMonitor}: per-task polls, busy, idle and scheduled time of instrumented futures. */
class TaskMonitorTest extends RuntimeTestBase {

    @Test
    void countsPollsWakesAndIdleTimeOfTheFuturesItInstruments() {
        TaskMonitor m = new TaskMonitor();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).build()) {
            var a = rt.spawn(m.instrument(TracingTest.chatty(1, 9)));          // 10 polls, 9 self-wakes
            var b = rt.spawn(m.instrument(Futures.lazy(() -> Sleep.sleep(Duration.ofMillis(30))).then(s -> s)));
            rt.blockOn(a);
            rt.blockOn(b);
        }
        TaskMonitor.Snapshot s = m.snapshot();
        assertEquals(2, s.tasks());
        assertEquals(10 + 2, s.polls(), "the sleeper is polled twice: before and after its timer");
        assertEquals(9 + 1, s.wakes(), "every poll after the first followed a wake");
        assertTrue(s.idle().compareTo(Duration.ofMillis(30)) >= 0, "the sleeper idled at least 30 ms: " + s.idle());
        assertTrue(s.busy().toNanos() > 0);
        assertTrue(s.scheduled().toNanos() > 0 && s.meanScheduled().compareTo(s.scheduled()) <= 0);
    }

    @Test
    void anUninstrumentedMonitorIsEmpty() {
        TaskMonitor.Snapshot s = new TaskMonitor().snapshot();
        assertEquals(0, s.tasks());
        assertEquals(Duration.ZERO, s.meanScheduled());
    }
}
