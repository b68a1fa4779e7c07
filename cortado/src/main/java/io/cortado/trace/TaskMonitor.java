package io.cortado.trace;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-task metrics, opt-in (as tokio-metrics' {@code TaskMonitor}): futures wrapped with {@link #instrument} add to
 * this monitor's totals — polls, time spent polling (busy), time between polls (idle), and time from a wake to the
 * poll it asked for (scheduled: how long the task waited for a worker). A task that is not instrumented costs
 * nothing; an instrumented one pays two clock reads and a few atomic adds per poll.
 *
 * <pre>{@code
 * TaskMonitor handlers = new TaskMonitor();
 * Task.spawn(handlers.instrument(handle(request)));
 * ...
 * TaskMonitor.Snapshot s = handlers.snapshot();   // s.meanScheduled() rising: workers are saturated
 * }</pre>
 */
public final class TaskMonitor {
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong idle = new AtomicLong();
    private final AtomicLong scheduled = new AtomicLong();
    private final AtomicLong wakes = new AtomicLong();

    /** Creates a monitor with zero totals. */
    public TaskMonitor() {
    }

    /**
     * @return {@code future}, counted into this monitor. <b>Cancel safety:</b> as {@code future}'s.
     */
    public <T> Future<T> instrument(Future<T> future) {
        Objects.requireNonNull(future, "future");
        tasks.incrementAndGet();
        return new Monitored<>(future);
    }

    /**
     * Totals of the instrumented futures.
     *
     * @param tasks     futures instrumented
     * @param polls     their polls
     * @param busy      time spent inside their polls
     * @param idle      time between the end of a poll and the start of the next
     * @param scheduled time from a wake to the start of the poll that followed it
     * @param wakes     wakes that led to a poll
     */
    public record Snapshot(long tasks, long polls, Duration busy, Duration idle, Duration scheduled, long wakes) {
        /** @return the mean time a woken task waited for its poll, or zero */
        public Duration meanScheduled() {
            return wakes == 0 ? Duration.ZERO : scheduled.dividedBy(wakes);
        }
    }

    /** @return the totals now */
    public Snapshot snapshot() {
        return new Snapshot(tasks.get(), polls.get(), Duration.ofNanos(busy.get()), Duration.ofNanos(idle.get()),
                Duration.ofNanos(scheduled.get()), wakes.get());
    }

    /** One instrumented future; its waker notes the wake time and wakes the task. */
    private final class Monitored<T> implements Future<T>, Waker {
        private final Future<T> inner;
        private volatile Waker taskWaker;
        private volatile long wokenAt;
        private long lastPollEnd;

        Monitored(Future<T> inner) {
            this.inner = inner;
        }

        @Override
        public void wake() {
            if (wokenAt == 0) {
                wokenAt = System.nanoTime();
            }
            Waker w = taskWaker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public Poll<T> poll(Context cx) {
            long start = System.nanoTime();
            if (lastPollEnd != 0) {
                idle.addAndGet(start - lastPollEnd);
            }
            long w = wokenAt;
            if (w != 0) {
                wokenAt = 0;
                scheduled.addAndGet(Math.max(0, start - w));
                wakes.incrementAndGet();
            }
            taskWaker = cx.waker();
            try {
                return inner.poll(cx.withWaker(this));
            } finally {
                long end = System.nanoTime();
                busy.addAndGet(end - start);
                polls.incrementAndGet();
                lastPollEnd = end;
            }
        }

        @Override
        public void cancel() {
            inner.cancel();
        }
    }
}
