package io.cortado.stream;

import io.cortado.AsyncRuntime;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.ITestResult;
import org.testng.annotations.AfterClass;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeClass;

import java.util.Set;
import java.util.concurrent.Flow;

/**
 * The Reactive Streams TCK's subscriber rules, black box, against {@link FlowAdapters#toStream} with a buffer of 4:
 * the stream's own subscriber, untouched, consumed by a runtime task (see {@link FlowTck#consumedStream}). It
 * requests by itself ({@code triggerFlowRequest} is not needed). The TCK skips its {@code untested_*} tests (rules
 * it states a black-box test cannot verify) for every subscriber; the rest must pass, and any other skip fails the
 * class ({@link FlowTck.Skips}).
 */
class FlowSubscriberBlackboxTckTest extends FlowSubscriberBlackboxVerification<Integer> {
    private final FlowTck.Skips skips = new FlowTck.Skips(Set.of());
    private AsyncRuntime rt;

    public FlowSubscriberBlackboxTckTest() {
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
    public Flow.Subscriber<Integer> createFlowSubscriber() {
        return FlowTck.<Integer>consumedStream(rt, 4, item -> { }, () -> { }, error -> { }).subscriber();
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }
}
