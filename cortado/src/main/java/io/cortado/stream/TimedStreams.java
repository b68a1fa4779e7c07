package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Poll;
import io.cortado.time.Clock;
import io.cortado.time.Sleep;
import io.cortado.time.TimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The stream combinators that keep time: their {@link Sleep} is made at the first poll, on the current clock. */
final class TimedStreams {
    private TimedStreams() {
    }

    /** {@link Stream#chunks} and {@link Stream#chunksTimeout}. */
    static final class Chunks<T> implements Stream<List<T>> {
        private final Stream<T> source;
        private final int n;
        private final Duration timeout;
        private List<T> chunk;
        private Sleep deadline;
        private boolean ended;

        Chunks(Stream<T> source, int n, Duration timeout) {
            if (n < 1) {
                throw new IllegalArgumentException("n : " + n + " (expected: >= 1)");
            }
            this.source = source;
            this.n = n;
            this.timeout = timeout;
        }

        @Override
        public Poll<List<T>> pollNext(Context cx) {
            if (ended) {
                return Poll.ready(null);
            }
            for (; ; ) {
                Poll<T> p = source.pollNext(cx);
                if (!p.isReady()) {
                    break;
                }
                if (p.value() == null) {
                    ended = true;
                    return Poll.ready(take()); // the last, shorter chunk, or null if there is none
                }
                if (chunk == null) {
                    chunk = new ArrayList<>(n);
                    if (timeout != null) {
                        deadline = Sleep.sleep(Clock.current(), timeout);
                    }
                }
                chunk.add(p.value());
                if (chunk.size() == n) {
                    return Poll.ready(take());
                }
            }
            if (deadline != null && deadline.poll(cx).isReady()) {
                return Poll.ready(take()); // the chunk waited long enough
            }
            return Poll.pending();
        }

        private List<T> take() {
            List<T> c = chunk;
            chunk = null;
            if (deadline != null) {
                deadline.cancel();
                deadline = null;
            }
            return c;
        }

        @Override
        public void cancel() {
            take();
            source.cancel();
        }
    }

    /** {@link Stream#throttle}. */
    static final class Throttle<T> implements Stream<T> {
        private final Stream<T> source;
        private final Duration period;
        private Sleep gate;

        Throttle(Stream<T> source, Duration period) {
            this.source = source;
            this.period = period;
        }

        @Override
        public Poll<T> pollNext(Context cx) {
            if (gate != null) {
                if (!gate.poll(cx).isReady()) {
                    return Poll.pending();
                }
            }
            Poll<T> p = source.pollNext(cx);
            if (p.isReady() && p.value() != null) {
                Clock clock = Clock.current();
                if (gate == null) {
                    gate = Sleep.sleep(clock, period);
                } else {
                    gate.reset(clock.now().plus(period));
                }
            }
            return p;
        }

        @Override
        public void cancel() {
            if (gate != null) {
                gate.cancel();
            }
            source.cancel();
        }
    }

    /** {@link Stream#timeout}. */
    static final class PerItemTimeout<T> implements Stream<T> {
        private final Stream<T> source;
        private final Duration limit;
        private Sleep deadline;

        PerItemTimeout(Stream<T> source, Duration limit) {
            this.source = source;
            this.limit = limit;
        }

        @Override
        public Poll<T> pollNext(Context cx) {
            Poll<T> p = source.pollNext(cx);
            if (p.isReady()) {
                if (deadline != null) {
                    deadline.cancel();
                    deadline = null; // the clock restarts with the next item
                }
                return p;
            }
            if (deadline == null) {
                deadline = Sleep.sleep(Clock.current(), limit);
            }
            if (deadline.poll(cx).isReady()) {
                deadline = null;
                source.cancel();
                throw new TimeoutException(limit);
            }
            return Poll.pending();
        }

        @Override
        public void cancel() {
            if (deadline != null) {
                deadline.cancel();
            }
            source.cancel();
        }
    }
}
