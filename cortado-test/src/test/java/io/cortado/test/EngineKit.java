package io.cortado.test;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/** Runs fixtures through the Cortado engine with the JUnit Platform's EngineTestKit, and reads the outcomes. */
final class EngineKit {
    /** Set while the kit runs, so that fixtures run (see {@link Fixture}). */
    static final String FIXTURES_PROPERTY = "cortado.test.fixtures";

    private EngineKit() {
    }

    /**
     * The shutdown grace of a fixture whose outcome must not depend on timing: the engine's default (5 s), so that a
     * runtime or thread that ends promptly is never reported on a loaded machine. It is waited in full only by a
     * fixture that leaks a thread, and those run with {@link #SHORT_GRACE_MILLIS}.
     */
    static final long GRACE_MILLIS = 5_000;
    /**
     * The grace for a fixture that leaves a thread parked until the test releases it: that thread outlives any grace,
     * so the outcome does not depend on the length, and a short one keeps the test fast.
     */
    static final long SHORT_GRACE_MILLIS = 200;

    /** Runs what the selectors select, with the {@link #GRACE_MILLIS} grace. */
    static EngineExecutionResults execute(DiscoverySelector... selectors) {
        return execute(GRACE_MILLIS, selectors);
    }

    /** Runs what the selectors select, with the given shutdown and thread grace. */
    static EngineExecutionResults execute(long graceMillis, DiscoverySelector... selectors) {
        System.setProperty(FIXTURES_PROPERTY, "true");
        try {
            return EngineTestKit.engine(CortadoTestEngine.ENGINE_ID)
                    .enableImplicitConfigurationParameters(false)
                    .configurationParameter(CortadoTestEngine.GRACE_PARAMETER, Long.toString(graceMillis))
                    .selectors(selectors)
                    .execute();
        } finally {
            System.clearProperty(FIXTURES_PROPERTY);
        }
    }

    /** @return the outcome of every test that finished, by method name */
    static Map<String, TestExecutionResult> outcomes(EngineExecutionResults results) {
        Map<String, TestExecutionResult> byMethod = new TreeMap<>();
        for (Event e : results.testEvents().finished().list()) {
            MethodSource source = (MethodSource) e.getTestDescriptor().getSource().orElseThrow();
            byMethod.put(source.getMethodName(), e.getRequiredPayload(TestExecutionResult.class));
        }
        return byMethod;
    }

    /** Runs one fixture method, which must take no parameters, and returns its outcome. */
    static TestExecutionResult run(Class<?> fixture, String method) {
        return run(fixture, method, "");
    }

    /** Runs one fixture method with the given parameter type names and returns its outcome. */
    static TestExecutionResult run(Class<?> fixture, String method, String parameterTypeNames) {
        return run(GRACE_MILLIS, fixture, method, parameterTypeNames);
    }

    /**
     * Runs one fixture method, which must take no parameters and leave a thread parked past any grace, with the
     * {@link #SHORT_GRACE_MILLIS} grace, and returns its outcome.
     */
    static TestExecutionResult runLeakingAThread(Class<?> fixture, String method) {
        return run(SHORT_GRACE_MILLIS, fixture, method, "");
    }

    private static TestExecutionResult run(long graceMillis, Class<?> fixture, String method,
                                           String parameterTypeNames) {
        Map<String, TestExecutionResult> outcomes = outcomes(execute(graceMillis, selectMethod(fixture, method,
                parameterTypeNames)));
        assertEquals(1, outcomes.size(), () -> "tests run: " + outcomes.keySet());
        return outcomes.get(method);
    }

    /** @return the throwable of a failed outcome, after asserting that it failed */
    static Throwable failure(TestExecutionResult result) {
        assertEquals(TestExecutionResult.Status.FAILED, result.getStatus(), () -> "outcome: " + result);
        return result.getThrowable().orElseThrow();
    }

    /** Asserts that the outcome is a success, showing the failure otherwise. */
    static void assertSucceeded(TestExecutionResult result) {
        assertTrue(result.getStatus() == TestExecutionResult.Status.SUCCESSFUL,
                () -> "expected success, got " + result + result.getThrowable().map(EngineKit::trace).orElse(""));
    }

    private static String trace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return "\n" + w;
    }
}
