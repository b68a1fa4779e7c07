package io.cortado.stream;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.Waker;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bridges between {@link Stream} and {@link java.util.concurrent.Flow} (Reactive Streams).
 *
 * <h2>Rules (the Reactive Streams rules this bridge keeps)</h2>
 * <ol>
 *   <li>A published stream has one subscriber: a second {@code subscribe} gets {@code onSubscribe} then
 *       {@code onError} (§1.9, §2.5).</li>
 *   <li>Every signal to the subscriber comes from one task, so signals are serial (§1.3); {@code onSubscribe} comes
 *       first (§1.9); at most as many {@code onNext} as requested (§1.1); after {@code onComplete}/{@code onError}
 *       nothing (§1.7).</li>
 *   <li>{@code request(n)} with {@code n <= 0} cancels and signals {@code onError(IllegalArgumentException)} (§3.9);
 *       demand adds up and saturates at {@link Long#MAX_VALUE} (§3.17); {@code cancel} stops the signals and cancels
 *       the stream (§3.5, §3.7, §3.13).</li>
 *   <li>A publisher turned into a stream requests a buffer's worth, then one more for each item consumed, so it
 *       never holds more than the buffer; cancelling the stream cancels the subscription, also one that arrives
 *       after the cancel (a publisher may call {@code onSubscribe} later, from its own thread): that one is
 *       cancelled at once and nothing is requested on it (§2.6). The stream's {@code cancel} and the
 *       {@code onSubscribe} each write their field, then read the other's, so at least one of them sees both
 *       and cancels; a subscription cancelled twice is fine (§3.7).</li>
 *   <li>The publishing task polls its stream one item ahead of demand and holds that item until it is requested,
 *       so a stream that fails or ends at once is signalled ({@code onError}, {@code onComplete}) without waiting
 *       for a {@code request} (§1.4, §1.5).</li>
 *   <li>Shutdown: a publisher whose runtime is shut down, at its subscription or while subscribed, signals
 *       {@code onSubscribe} (if it had not yet) then {@code onError(CancellationException)} (§1.9): a subscriber
 *       never waits for a signal that cannot come.</li>
 * </ol>
 * Guarded by {@code FlowAdaptersTest} and {@code FlowAdaptersLincheckTest} (rules 2, 3, 5 model checked: requests and
 * a cancel from other threads racing the publishing task's polls; demand kept, saturated, never exceeded or lost).
 */
public final class FlowAdapters {
    private FlowAdapters() {
    }

    /**
     * A publisher of {@code stream}'s items, driven by a task on {@code handle}'s runtime once subscribed.
     *
     * @param stream the stream (consumed once)
     * @param handle the runtime to run the publishing task on
     * @param <T>    the item type
     * @return the publisher
     */
    public static <T> Flow.Publisher<T> toPublisher(Stream<T> stream, Handle handle) {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(handle, "handle");
        AtomicBoolean subscribed = new AtomicBoolean();
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            if (!subscribed.compareAndSet(false, true)) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IllegalStateException("this publisher allows one subscriber"));
                return;
            }
            handle.spawn(new Publishing<>(stream, subscriber));
        };
    }

    /** The task that drives the stream into the subscriber (rules 2, 3). */
    private static final class Publishing<T> implements Future<Void> {
        private final Stream<T> stream;
        private final Flow.Subscriber<? super T> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private volatile boolean cancelled;
        private volatile IllegalArgumentException badRequest;
        private volatile Waker waker;
        private boolean started;
        /** The item polled ahead of demand (rule 5), or {@code null}. */
        private T held;

        Publishing(Stream<T> stream, Flow.Subscriber<? super T> subscriber) {
            this.stream = stream;
            this.subscriber = subscriber;
        }

        /** The subscription the subscriber holds: any thread may call it; the task does the work. */
        private final Flow.Subscription subscription = new Flow.Subscription() {
            @Override
            public void request(long n) {
                Publishing.this.request(n);
            }

            @Override
            public void cancel() {
                cancelled = true;
                wakeTask();
            }
        };

        private void wakeTask() {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        void request(long n) {
            if (n <= 0) {
                badRequest = new IllegalArgumentException("n : " + n + " (expected: > 0; Reactive Streams §3.9)");
                cancelled = true;
            } else {
                demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            wakeTask();
        }

        /** For task dumps: the publishing task waits for the subscriber's demand. */
        @Override
        public String toString() {
            return "FlowAdapters publisher: an item waits for the subscriber's request (demand " + demand.get() + ")";
        }

        /** The task itself is cancelled (its runtime shuts down): the stream is cancelled, the subscriber told (6). */
        @Override
        public void cancel() {
            held = null;
            if (!cancelled) {
                cancelled = true;
                stream.cancel();
                if (!started) {
                    started = true;
                    subscriber.onSubscribe(subscription); // §1.9: onSubscribe first, even to say it failed
                }
                subscriber.onError(new java.util.concurrent.CancellationException(
                        "the publishing task was cancelled (its runtime shut down)"));
            }
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (!started) {
                started = true;
                waker = cx.waker();
                subscriber.onSubscribe(subscription);
            }
            for (; ; ) {
                if (cancelled) {
                    held = null;
                    stream.cancel();
                    IllegalArgumentException bad = badRequest;
                    if (bad != null) {
                        subscriber.onError(bad);
                    }
                    return Poll.ready(null);
                }
                if (held != null && demand.get() > 0) {
                    T item = held;
                    held = null;
                    demand.decrementAndGet();
                    subscriber.onNext(item);
                    continue;
                }
                if (held != null) { // rule 5: one item ahead, waiting for demand
                    waker = cx.waker();
                    if (demand.get() == 0 && !cancelled) { // re-check after publishing the waker
                        cx.waitingOn(this);
                        return Poll.pending();
                    }
                    continue;
                }
                Poll<T> p;
                try {
                    p = stream.pollNext(cx);
                } catch (RuntimeException e) {
                    subscriber.onError(e);
                    return Poll.ready(null);
                }
                if (!p.isReady()) {
                    return Poll.pending();
                }
                if (p.value() == null) {
                    subscriber.onComplete();
                    return Poll.ready(null);
                }
                held = p.value();
            }
        }
    }

    /**
     * A stream of a publisher's items (rule 4).
     *
     * @param publisher the publisher
     * @param buffer    how many items may be requested ahead, at least 1
     * @param <T>       the item type
     * @return the stream; it fails with the publisher's {@code onError}
     */
    public static <T> Stream<T> toStream(Flow.Publisher<T> publisher, int buffer) {
        Objects.requireNonNull(publisher, "publisher");
        if (buffer < 1) {
            throw new IllegalArgumentException("buffer : " + buffer + " (expected: >= 1)");
        }
        return new Subscribing<>(publisher, buffer);
    }

    private static final class Subscribing<T> implements Stream<T>, Flow.Subscriber<T> {
        private final Flow.Publisher<T> publisher;
        private final int buffer;
        private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean done;
        /** Set by {@link #cancel()} before it reads {@link #subscription} (rule 4). */
        private volatile boolean cancelled;
        private volatile Throwable error;
        private volatile Waker waker;
        private boolean subscribed;

        Subscribing(Flow.Publisher<T> publisher, int buffer) {
            this.publisher = publisher;
            this.buffer = buffer;
        }

        @Override
        public Poll<T> pollNext(Context cx) {
            if (!subscribed) {
                subscribed = true;
                waker = cx.waker();
                publisher.subscribe(this);
            }
            for (int round = 0; round < 2; round++) {
                T item = items.poll();
                if (item != null) {
                    Flow.Subscription s = subscription;
                    if (s != null) {
                        s.request(1); // replace what was consumed (rule 4)
                    }
                    return Poll.ready(item);
                }
                if (done) {
                    if (items.isEmpty()) {
                        Throwable e = error;
                        if (e instanceof RuntimeException re) {
                            throw re;
                        }
                        if (e instanceof Error err) {
                            throw err;
                        }
                        if (e != null) {
                            throw new java.util.concurrent.CompletionException(e);
                        }
                        return Poll.ready(null);
                    }
                    continue;
                }
                waker = cx.waker(); // then look again (round 2)
            }
            cx.waitingOn(this);
            return Poll.pending();
        }

        /** For task dumps. */
        @Override
        public String toString() {
            return "FlowAdapters.toStream: waiting for the publisher's onNext (" + publisher + ")";
        }

        @Override
        public void cancel() {
            cancelled = true;
            done = true;
            Flow.Subscription s = subscription; // after writing cancelled (rule 4)
            if (s != null) {
                s.cancel();
            }
        }

        private void wakeConsumer() {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            Objects.requireNonNull(s, "subscription");
            if (subscription != null) {
                s.cancel(); // §2.5: one subscription at a time
                return;
            }
            subscription = s;
            if (cancelled) { // read after writing subscription (rule 4): the stream was cancelled before this
                s.cancel();
                return;
            }
            s.request(buffer);
        }

        @Override
        public void onNext(T item) {
            items.add(Objects.requireNonNull(item, "item")); // §2.13
            wakeConsumer();
        }

        @Override
        public void onError(Throwable t) {
            error = Objects.requireNonNull(t, "throwable");
            done = true;
            wakeConsumer();
        }

        @Override
        public void onComplete() {
            done = true;
            wakeConsumer();
        }
    }
}
