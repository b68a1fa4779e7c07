package io.cortado.test;

import org.junit.platform.commons.JUnitException;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;
import org.junit.platform.engine.support.hierarchical.EngineExecutionContext;
import org.junit.platform.engine.support.hierarchical.HierarchicalTestEngine;

import java.time.Duration;
import java.util.Optional;

/**
 * The JUnit Platform test engine that runs {@link CortadoTest} methods, with the id {@value #ENGINE_ID}. The
 * platform finds it through {@code META-INF/services}: put {@code cortado-test} on the test class path and the
 * build tool's JUnit Platform launcher (Maven Surefire, Gradle, an IDE) runs it next to JUnit Jupiter. Users never
 * call it; it is public only so that the platform can load it.
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.cortado</groupId>
 *   <artifactId>cortado-test</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <p>Selectors: class path roots, packages, modules, classes, methods and its own unique ids. Tests run one at a
 * time, in the calling thread's order (the leak checks count process-wide resources). Configuration parameter:
 * {@value #GRACE_PARAMETER} (milliseconds, default 5000), how long a run waits for its runtime to shut down and for
 * its threads to end before it calls them leaked.
 */
public final class CortadoTestEngine extends HierarchicalTestEngine<CortadoTestEngine.RunContext> {
    /** The engine id, as in {@code [engine:cortado-test]} and Surefire's {@code includeJUnit5Engines}. */
    public static final String ENGINE_ID = "cortado-test";
    /** The configuration parameter of the shutdown and thread grace, in milliseconds. */
    public static final String GRACE_PARAMETER = "cortado.test.shutdownGraceMillis";
    private static final long DEFAULT_GRACE_MILLIS = 5_000;

    /** Called by the JUnit Platform's service loader. */
    public CortadoTestEngine() {
    }

    @Override
    public String getId() {
        return ENGINE_ID;
    }

    @Override
    public Optional<String> getGroupId() {
        return Optional.of("io.cortado");
    }

    @Override
    public Optional<String> getArtifactId() {
        return Optional.of("cortado-test");
    }

    @Override
    public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
        EngineDescriptor engine = new EngineDescriptor(uniqueId, "Cortado");
        Discovery.RESOLVER.resolve(request, engine);
        return engine;
    }

    @Override
    protected RunContext createExecutionContext(ExecutionRequest request) {
        long millis = request.getConfigurationParameters().get(GRACE_PARAMETER, String::trim).map(v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                return -1L;
            }
        }).orElse(DEFAULT_GRACE_MILLIS);
        if (millis < 0) {
            throw new JUnitException(GRACE_PARAMETER + " : \"" + request.getConfigurationParameters()
                    .get(GRACE_PARAMETER).orElseThrow() + "\" (expected: milliseconds >= 0)");
        }
        return new RunContext(Duration.ofMillis(millis));
    }

    /** What every test run gets from the engine. */
    record RunContext(Duration grace) implements EngineExecutionContext {
    }
}
