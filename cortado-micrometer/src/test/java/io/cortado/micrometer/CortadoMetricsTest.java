package io.cortado.micrometer;

import io.cortado.AsyncRuntime;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binder's meters read what a known workload did. */
class CortadoMetricsTest extends io.cortado.testing.RuntimeTestBase {

    @Test
    void metersFollowTheRuntime() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2).metricsPollTiming(true).build()) {
            new CortadoMetrics(rt.handle(), Tags.of("runtime", "test")).bindTo(registry);
            assertEquals(2.0, registry.get("cortado.workers").tag("runtime", "test").gauge().value());
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                hs.add(rt.spawn(Task.yieldNow().map(v -> 1)));
            }
            for (JoinHandle<Integer> h : hs) {
                rt.blockOn(h);
            }
            rt.blockOn(rt.handle().spawnBlocking(() -> 1));
            double polls = registry.get("cortado.worker.polls").tag("worker", "0").functionCounter().count()
                    + registry.get("cortado.worker.polls").tag("worker", "1").functionCounter().count();
            assertTrue(polls >= 600, "each task polled twice: " + polls);
            double busy = registry.get("cortado.worker.busy").functionCounters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertTrue(busy > 0, "busy time with poll timing on");
            assertTrue(registry.get("cortado.blocking.threads").gauge().value() >= 1);
            assertEquals(2, registry.get("cortado.worker.local.queue.depth").gauges().size());
            assertEquals(0.0, registry.get("cortado.global.queue.depth").gauge().value());
            double allPolls = registry.get("cortado.poll.duration.buckets").tag("le", "+Inf").functionCounter().count();
            assertEquals(rt.handle().metrics().totalPolls(), allPolls, "the +Inf bucket counts every poll");
            double waits = registry.get("cortado.schedule.latency.buckets").tag("le", "+Inf").functionCounter()
                    .count();
            assertEquals(allPolls, waits, "every poll's wait is counted");
            double underOneMicro = registry.get("cortado.schedule.latency.buckets").tag("le", "1.024E-6")
                    .functionCounter().count();
            assertTrue(underOneMicro <= waits, "cumulative buckets");
        }
    }
}
