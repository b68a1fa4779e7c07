package io.cortado.micrometer;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.RuntimeMetrics;
import io.cortado.Task;
import io.cortado.sync.Oneshot;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every meter {@link CortadoMetrics} registers: its name, its tags, and a value that moves with the runtime. */
class CortadoMetricsMetersTest extends io.cortado.testing.RuntimeTestBase {
    private static final Set<String> RUNTIME_GAUGES = Set.of("cortado.workers", "cortado.tasks.alive",
            "cortado.global.queue.depth", "cortado.blocking.threads", "cortado.blocking.threads.idle",
            "cortado.blocking.in.flight");
    private static final Set<String> PER_WORKER = Set.of("cortado.worker.polls", "cortado.worker.steals",
            "cortado.worker.parks", "cortado.worker.budget.forced.yields", "cortado.worker.busy",
            "cortado.worker.local.queue.depth");
    private static final Set<String> HISTOGRAMS = Set.of("cortado.poll.duration.buckets",
            "cortado.schedule.latency.buckets");

    private static SimpleMeterRegistry bind(AsyncRuntime rt) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CortadoMetrics(rt.handle(), Tags.of("runtime", "test")).bindTo(registry);
        return registry;
    }

    private static double gauge(SimpleMeterRegistry r, String name) {
        return r.get(name).tag("runtime", "test").gauge().value();
    }

    private static double perWorker(SimpleMeterRegistry r, String name, int worker) {
        var search = r.get(name).tag("runtime", "test").tag("worker", Integer.toString(worker));
        return name.endsWith("depth") ? search.gauge().value() : search.functionCounter().count();
    }

    @Test
    void theDocumentedMetersAreRegisteredWithTheirTags() {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(3).metricsPollTiming(true).build()) {
            SimpleMeterRegistry registry = bind(rt);
            Set<String> names = registry.getMeters().stream().map(m -> m.getId().getName())
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = new TreeSet<>(RUNTIME_GAUGES);
            expected.addAll(PER_WORKER);
            expected.addAll(HISTOGRAMS);
            assertEquals(expected, names);
            for (Meter m : registry.getMeters()) {
                assertEquals("test", m.getId().getTag("runtime"), m.getId() + ": the binder's tags on every meter");
                String name = m.getId().getName();
                if (RUNTIME_GAUGES.contains(name)) {
                    assertEquals(Meter.Type.GAUGE, m.getId().getType(), name);
                    assertEquals(1, m.getId().getTags().size(), name + ": no other tag");
                }
            }
            for (String name : PER_WORKER) {
                Set<String> workers = registry.find(name).meters().stream().map(m -> m.getId().getTag("worker"))
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(Set.of("0", "1", "2"), workers, name + ": one meter per worker");
            }
            assertEquals("seconds", registry.get("cortado.worker.busy").meters().iterator().next().getId().getBaseUnit());
            int buckets = rt.handle().metrics().pollDurationHistogram().length;
            for (String name : HISTOGRAMS) {
                Set<String> les = registry.find(name).meters().stream().map(m -> m.getId().getTag("le"))
                        .collect(Collectors.toSet());
                assertEquals(buckets, les.size(), name + ": one counter per bucket");
                assertTrue(les.contains("+Inf"), name);
                for (int i = 0; i < buckets - 1; i++) {
                    String le = Double.toString(RuntimeMetrics.bucketUpperBound(i).toNanos() / 1e9);
                    assertTrue(les.contains(le), name + ": no bucket le=" + le);
                }
            }
            assertEquals(3.0, gauge(registry, "cortado.workers"));
        }
        // without poll timing there are no histograms
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            SimpleMeterRegistry registry = bind(rt);
            for (String name : HISTOGRAMS) {
                assertTrue(registry.find(name).meters().isEmpty(), name + " registered without poll timing");
            }
            assertEquals(1.0, gauge(registry, "cortado.workers"));
            assertEquals(Set.of("0"), registry.find("cortado.worker.polls").meters().stream()
                    .map(m -> m.getId().getTag("worker")).collect(Collectors.toSet()));
        }
    }

    @Test
    void taskGaugesAndWorkerCountersMoveWithTheWorkload() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().metricsPollTiming(true).build()) {
            SimpleMeterRegistry registry = bind(rt);
            assertEquals(0.0, gauge(registry, "cortado.tasks.alive"));
            // the driving thread's local queue, read while the tasks it spawned wait in it
            double local = rt.blockOn(Futures.lazy(() -> {
                List<JoinHandle<Integer>> mine = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    mine.add(Task.spawn(Futures.lazy(() -> 1)));
                }
                double depth = perWorker(registry, "cortado.worker.local.queue.depth", 0);
                return Futures.joinAll(mine).map(all -> depth);
            }).then(f -> f));
            assertEquals(5.0, local, "five tasks queued on the driving thread");
            assertEquals(0.0, perWorker(registry, "cortado.worker.local.queue.depth", 0));
            // spawned off the driving thread: they wait in the global queue until someone drives the runtime
            List<Oneshot.Channel<Integer>> chs = new ArrayList<>();
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Oneshot.Channel<Integer> ch = Oneshot.channel();
                chs.add(ch);
                hs.add(rt.spawn(ch.receiver()));
            }
            assertEquals(7.0, gauge(registry, "cortado.tasks.alive"));
            assertEquals(7.0, gauge(registry, "cortado.global.queue.depth"));
            double pollsBefore = perWorker(registry, "cortado.worker.polls", 0);
            for (int i = 0; i < 7; i++) {
                chs.get(i).sender().send(i);
            }
            for (int i = 0; i < 7; i++) {
                assertEquals(i, rt.blockOn(hs.get(i)));
            }
            assertEquals(0.0, gauge(registry, "cortado.tasks.alive"));
            assertEquals(0.0, gauge(registry, "cortado.global.queue.depth"));
            assertEquals(0.0, perWorker(registry, "cortado.worker.local.queue.depth", 0));
            double polls = perWorker(registry, "cortado.worker.polls", 0);
            assertTrue(polls >= pollsBefore + 7, "every task polled: " + pollsBefore + " -> " + polls);
            assertEquals(rt.handle().metrics().pollCount(0), polls);
            assertTrue(perWorker(registry, "cortado.worker.busy", 0) > 0, "busy time with poll timing on");
            double parks = perWorker(registry, "cortado.worker.parks", 0);
            rt.blockOn(io.cortado.time.Sleep.sleep(rt.handle().clock(), Duration.ofMillis(1)));
            assertTrue(perWorker(registry, "cortado.worker.parks", 0) > parks, "the driver parked for the timer");
            // a task that uses up its budget three times over is forced to yield twice
            rt.blockOn(rt.spawn(budgetHog(3 * Context.TASK_BUDGET)));
            assertEquals(2.0, perWorker(registry, "cortado.worker.budget.forced.yields", 0));
            // histograms: cumulative, the +Inf bucket counts every poll
            for (String name : HISTOGRAMS) {
                double previous = 0;
                int buckets = rt.handle().metrics().pollDurationHistogram().length;
                for (int i = 0; i < buckets - 1; i++) {
                    String le = Double.toString(RuntimeMetrics.bucketUpperBound(i).toNanos() / 1e9);
                    double c = registry.get(name).tag("le", le).functionCounter().count();
                    assertTrue(c >= previous, name + ": not cumulative at le=" + le);
                    previous = c;
                }
                double all = registry.get(name).tag("le", "+Inf").functionCounter().count();
                assertTrue(all >= previous);
                assertEquals(rt.handle().metrics().totalPolls(), all, name + ": +Inf counts every poll");
            }
        }
    }

    @Test
    void blockingGaugesFollowThePool() {
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(1).maxBlockingThreads(1)
                .threadKeepAlive(Duration.ofMinutes(5)).build()) {
            SimpleMeterRegistry registry = bind(rt);
            assertEquals(0.0, gauge(registry, "cortado.blocking.threads"));
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<JoinHandle<Integer>> jobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jobs.add(rt.handle().spawnBlocking(() -> {
                    started.countDown();
                    await(release);
                    return 1;
                }));
            }
            await(started);
            assertEquals(3.0, gauge(registry, "cortado.blocking.in.flight"), "one running, two queued");
            assertEquals(1.0, gauge(registry, "cortado.blocking.threads"));
            assertEquals(0.0, gauge(registry, "cortado.blocking.threads.idle"));
            release.countDown();
            for (JoinHandle<Integer> j : jobs) {
                rt.blockOn(j);
            }
            awaitCondition(() -> gauge(registry, "cortado.blocking.threads.idle") == 1.0, "the thread goes idle");
            assertEquals(0.0, gauge(registry, "cortado.blocking.in.flight"));
            assertEquals(1.0, gauge(registry, "cortado.blocking.threads"));
        }
    }

    @Test
    void stealsAreCountedOnTheWorkerThatStole() {
        // P, held inside its poll, queues children on its worker while the other worker is held too; once that
        // one is let go, the children can only run there by being stolen
        try (AsyncRuntime rt = AsyncRuntime.builder().multiThread().workerThreads(2)
                .blockedWorkerThreshold(Duration.ZERO).build()) {
            SimpleMeterRegistry registry = bind(rt);
            CountDownLatch holderIn = new CountDownLatch(1);
            CountDownLatch holderRelease = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            JoinHandle<Integer> holder = rt.spawn(Futures.lazy(() -> {
                holderIn.countDown();
                await(holderRelease);
                return 0;
            }));
            JoinHandle<Integer> parent = rt.spawn(Futures.lazy(() -> {
                await(holderIn);
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    hs.add(Task.spawn(Futures.lazy(ran::incrementAndGet)));
                }
                holderRelease.countDown();
                awaitCondition(() -> ran.get() >= 4, "the other worker ran the queued children");
                return Futures.joinAll(hs).map(List::size);
            }).then(f -> f));
            assertEquals(5, rt.blockOn(parent));
            rt.blockOn(holder);
            double steals = perWorker(registry, "cortado.worker.steals", 0)
                    + perWorker(registry, "cortado.worker.steals", 1);
            assertTrue(steals >= 1, "a steal was counted: " + steals);
            for (int w = 0; w < 2; w++) {
                assertEquals(rt.handle().metrics().stealCount(w), perWorker(registry, "cortado.worker.steals", w));
            }
        }
    }

    /** Spends {@code n} budget units, yielding when the budget runs out. */
    private static Future<Integer> budgetHog(int n) {
        int[] spent = {0};
        return cx -> {
            while (spent[0] < n) {
                if (!cx.consumeBudget()) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                spent[0]++;
            }
            return Poll.ready(n);
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "latch");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
