package io.cortado.micrometer;

import io.cortado.Handle;
import io.cortado.RuntimeMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Exposes a Cortado runtime's {@link RuntimeMetrics} to Micrometer:
 *
 * <pre>{@code
 * new CortadoMetrics(runtime.handle(), Tags.of("runtime", "api")).bindTo(registry);
 * }</pre>
 *
 * Meters (each also tagged with the given tags):
 * <ul>
 *   <li>gauges {@code cortado.workers}, {@code cortado.tasks.alive}, {@code cortado.global.queue.depth},
 *       {@code cortado.blocking.threads}, {@code cortado.blocking.threads.idle}, {@code cortado.blocking.in.flight};</li>
 *   <li>per worker (tag {@code worker}): counters {@code cortado.worker.polls}, {@code cortado.worker.steals},
 *       {@code cortado.worker.parks}, {@code cortado.worker.budget.forced.yields}, {@code cortado.worker.busy}
 *       (seconds; zero unless the runtime times polls) and the gauge {@code cortado.worker.local.queue.depth};</li>
 *   <li>when the runtime times polls ({@code AsyncRuntime.Builder.metricsPollTiming}), two histograms as cumulative
 *       counters in the Prometheus style, tag {@code le} (the bucket's upper bound in seconds, {@code +Inf} for the
 *       last): {@code cortado.poll.duration.buckets} and {@code cortado.schedule.latency.buckets} (wake to poll).</li>
 * </ul>
 * Each meter reads a fresh snapshot when the registry asks (at scrape or publish time), so binding costs the
 * runtime nothing between reads. The number of workers is fixed when bound.
 */
public final class CortadoMetrics implements MeterBinder {
    private final Handle handle;
    private final Iterable<Tag> tags;

    /** @param handle the runtime to expose */
    public CortadoMetrics(Handle handle) {
        this(handle, Tags.empty());
    }

    /**
     * @param handle the runtime to expose
     * @param tags   tags added to every meter (e.g. the runtime's name)
     */
    public CortadoMetrics(Handle handle, Iterable<Tag> tags) {
        this.handle = Objects.requireNonNull(handle, "handle");
        this.tags = Objects.requireNonNull(tags, "tags");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "cortado.workers", "worker threads of the runtime", RuntimeMetrics::workers);
        gauge(registry, "cortado.tasks.alive", "tasks spawned and not yet completed", RuntimeMetrics::aliveTasks);
        gauge(registry, "cortado.global.queue.depth", "tasks waiting in the runtime's shared queues",
                RuntimeMetrics::globalQueueDepth);
        gauge(registry, "cortado.blocking.threads", "threads of the blocking pool", RuntimeMetrics::blockingThreads);
        gauge(registry, "cortado.blocking.threads.idle", "idle threads of the blocking pool",
                RuntimeMetrics::blockingIdleThreads);
        gauge(registry, "cortado.blocking.in.flight", "blocking jobs queued or running",
                RuntimeMetrics::blockingInFlight);
        RuntimeMetrics first = handle.metrics();
        if (first.pollTiming()) {
            histogram(registry, "cortado.poll.duration.buckets", "task polls that took at most le seconds",
                    RuntimeMetrics::pollDurationHistogram);
            histogram(registry, "cortado.schedule.latency.buckets",
                    "task polls that began at most le seconds after the task was scheduled",
                    RuntimeMetrics::scheduleLatencyHistogram);
        }
        int workers = first.workers();
        for (int i = 0; i < workers; i++) {
            int w = i;
            Tags t = Tags.concat(tags, "worker", Integer.toString(w));
            counter(registry, "cortado.worker.polls", "task polls run by the worker", t, m -> m.pollCount(w));
            counter(registry, "cortado.worker.steals", "tasks taken from other workers' queues", t,
                    m -> m.stealCount(w));
            counter(registry, "cortado.worker.parks", "times the worker ran out of work and parked", t,
                    m -> m.parkCount(w));
            counter(registry, "cortado.worker.budget.forced.yields", "polls that used up the cooperative budget", t,
                    m -> m.budgetForcedYields(w));
            FunctionCounter.builder("cortado.worker.busy", handle, h -> h.metrics().busyTime(w).toNanos() / 1e9)
                    .description("time spent polling tasks (when the runtime times polls)").baseUnit("seconds")
                    .tags(t).register(registry);
            Gauge.builder("cortado.worker.local.queue.depth", handle, h -> h.metrics().localQueueDepth(w))
                    .description("tasks waiting in the worker's local queue").tags(t).register(registry);
        }
    }

    private void histogram(MeterRegistry registry, String name, String description,
                           Function<RuntimeMetrics, long[]> buckets) {
        int n = buckets.apply(handle.metrics()).length;
        for (int i = 0; i < n; i++) {
            int upTo = i;
            String le = i == n - 1 ? "+Inf" : Double.toString(RuntimeMetrics.bucketUpperBound(i).toNanos() / 1e9);
            counter(registry, name, description, Tags.concat(tags, "le", le), m -> {
                long[] b = buckets.apply(m);
                long sum = 0;
                for (int j = 0; j <= upTo; j++) {
                    sum += b[j];
                }
                return sum;
            });
        }
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<RuntimeMetrics> f) {
        Gauge.builder(name, handle, h -> f.applyAsDouble(h.metrics())).description(description).tags(tags)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, Tags t,
                         ToDoubleFunction<RuntimeMetrics> f) {
        FunctionCounter.builder(name, handle, h -> f.applyAsDouble(h.metrics())).description(description).tags(t)
                .register(registry);
    }
}
