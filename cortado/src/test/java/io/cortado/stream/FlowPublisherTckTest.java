package io.cortado.stream;

import io.cortado.AsyncRuntime;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.ITestResult;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

import java.util.Set;
import java.util.concurrent.Flow;
import java.util.stream.LongStream;

/**
 * The Reactive Streams TCK's publisher rules against {@link FlowAdapters#toPublisher}: a Cortado stream of
 * {@code n} items, and a stream that fails at its first poll ({@link #createFailedFlowPublisher}).
 *
 * <p>The TCK skips, by its own design, these tests (the rest must pass):
 * <ul>
 *   <li>{@code untested_*}: rules the TCK states it cannot verify; it skips them for every publisher.</li>
 *   <li>{@code optional_spec111_*} (multi-subscribe, multicast): a published stream is consumed once, so the
 *       publisher takes one subscriber and rejects a second with {@code onSubscribe} then {@code onError}
 *       (FlowAdapters rule 1, as §1.9 and §1.11 allow); the TCK skips the multi-subscriber tests when the second
 *       subscription is rejected.</li>
 * </ul>
 * Any other skip fails the class ({@link FlowTck.Skips}): the TCK reports a failing optional test as a skip.
 */
class FlowPublisherTckTest extends FlowPublisherVerification<Long> {
    /** How long the TCK waits before it checks that a cancelled publisher dropped its subscriber (§3.13). */
    private static final long GC_TIMEOUT_MILLIS = 500;

    private final FlowTck.Skips skips = new FlowTck.Skips(Set.of(
            "optional_spec111_maySupportMultiSubscribe",
            "optional_spec111_registeredSubscribersMustReceiveOnNextOrOnCompleteSignals",
            "optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhen"
                    + "RequestingOneByOne",
            "optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhen"
                    + "RequestingManyUpfront",
            "optional_spec111_multicast_mustProduceTheSameElementsInTheSameSequenceToAllOfItsSubscribersWhen"
                    + "RequestingManyUpfrontAndCompleteAsExpected"));
    private AsyncRuntime rt;

    public FlowPublisherTckTest() {
        super(FlowTck.environment(), GC_TIMEOUT_MILLIS);
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
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        // LongStream.range(0, Long.MAX_VALUE) never ends in practice: the infinite stream the TCK asks for then
        return FlowAdapters.toPublisher(Streams.iter(() -> LongStream.range(0, elements).iterator()), rt.handle());
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        Stream<Long> failing = cx -> {
            throw new IllegalStateException("fails at its first poll");
        };
        return FlowAdapters.toPublisher(failing, rt.handle());
    }
}
