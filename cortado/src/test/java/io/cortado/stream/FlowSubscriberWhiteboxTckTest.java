package io.cortado.stream;

import io.cortado.AsyncRuntime;
import org.reactivestreams.tck.SubscriberWhiteboxVerification.SubscriberPuppet;
import org.reactivestreams.tck.SubscriberWhiteboxVerification.WhiteboxSubscriberProbe;
import org.reactivestreams.tck.flow.FlowSubscriberWhiteboxVerification;
import org.testng.ITestResult;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Reactive Streams TCK's subscriber rules, white box, against {@link FlowAdapters#toStream} with a buffer of 1
 * (so every item consumed is replaced by a {@code request(1)}, FlowAdapters rule 4).
 *
 * <p>The stream is the subscriber (see {@link FlowTck#consumedStream}); a runtime task consumes it. The probe
 * learns of each item, the end and the failure <em>when the stream delivers them to that task</em>, not when the
 * subscriber is signalled: so the TCK checks what a user of the stream sees. The puppet:
 * <ul>
 *   <li>{@code triggerRequest(n)} does nothing: the stream asks for its buffer at {@code onSubscribe} and for one
 *       more per item its consumer takes, and the consumer takes every item as it comes, so demand is never held
 *       back waiting for an outside signal (the TCK allows a subscriber that requests by itself);</li>
 *   <li>{@code signalCancel()} aborts the consuming task, which cancels the stream, which cancels the subscription
 *       (rule 4).</li>
 * </ul>
 * The TCK skips its {@code untested_*} tests (rules it states it cannot verify) for every subscriber; the rest must
 * pass, and any other skip fails the class ({@link FlowTck.Skips}).
 */
class FlowSubscriberWhiteboxTckTest extends FlowSubscriberWhiteboxVerification<Integer> {
    private final FlowTck.Skips skips = new FlowTck.Skips(Set.of());
    private AsyncRuntime rt;

    public FlowSubscriberWhiteboxTckTest() {
        super(FlowTck.environment());
    }

    /** Not in the constructor: the engine may make the instance at discovery, before the JUnit tests run. */
    @BeforeClass
    public void startRuntime() {
        rt = FlowTck.runtime();
    }

    @AfterMethod(alwaysRun = true)
    public void recordSkip(ITestResult result) {
        skips.record(result);
    }

    @AfterClass(alwaysRun = true)
    public void closeRuntimeAndCheckSkips() {
        FlowTck.close(rt);
        skips.check();
    }

    @Override
    public Flow.Subscriber<Integer> createFlowSubscriber(WhiteboxSubscriberProbe<Integer> probe) {
        FlowTck.Consumed<Integer> consumed = FlowTck.consumedStream(rt, 1, probe::registerOnNext,
                probe::registerOnComplete, probe::registerOnError);
        Flow.Subscriber<Integer> stream = consumed.subscriber();
        SubscriberPuppet puppet = new SubscriberPuppet() {
            @Override
            public void triggerRequest(long elements) {
                // the stream requests by itself: see the class comment
            }

            @Override
            public void signalCancel() {
                consumed.consumer().abort();
            }
        };
        AtomicBoolean subscribed = new AtomicBoolean();
        return new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                stream.onSubscribe(s);
                // only the first subscription is the stream's: a second one is cancelled (§2.5), not announced
                if (subscribed.compareAndSet(false, true)) {
                    probe.registerOnSubscribe(puppet);
                }
            }

            @Override
            public void onNext(Integer item) {
                stream.onNext(item);
            }

            @Override
            public void onError(Throwable t) {
                stream.onError(t);
            }

            @Override
            public void onComplete() {
                stream.onComplete();
            }
        };
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
