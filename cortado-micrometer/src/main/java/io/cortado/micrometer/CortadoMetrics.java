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
 *   <li>gauges {@code cortado.workers}, {@code cortado.tasks.alive}, {@code cortado.blocking.threads},
 *       {@code cortado.blocking.threads.idle}, {@code cortado.blocking.in.flight};</li>
 *   <li>per worker (tag {@code worker}): counters {@code cortado.worker.polls}, {@code cortado.worker.steals},
 *       {@code cortado.worker.parks}, {@code cortado.worker.budget.forced.yields}, {@code cortado.worker.busy}
 *       (seconds; zero unless the runtime times polls) and the gauge {@code cortado.worker.local.queue.depth}.</li>
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
        gauge(registry, "cortado.blocking.threads", "threads of the blocking pool", RuntimeMetrics::blockingThreads);
        gauge(registry, "cortado.blocking.threads.idle", "idle threads of the blocking pool",
                RuntimeMetrics::blockingIdleThreads);
        gauge(registry, "cortado.blocking.in.flight", "blocking jobs queued or running",
                RuntimeMetrics::blockingInFlight);
        int workers = handle.metrics().workers();
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
