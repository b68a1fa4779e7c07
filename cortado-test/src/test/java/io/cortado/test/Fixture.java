package io.cortado.test;

import org.junit.jupiter.api.Assumptions;

/**
 * Base of the fixture classes, which hold {@code @CortadoTest} methods that fail on purpose. They are static nested
 * classes, which Surefire never selects; and should a class-path scan (an IDE's "run all") reach one, its
 * constructor aborts the test unless {@link EngineKit} is running it.
 */
public abstract class Fixture {
    protected Fixture() {
        Assumptions.assumeTrue(Boolean.getBoolean(EngineKit.FIXTURES_PROPERTY),
                "a fixture of cortado-test's own tests: EngineKit runs it");
    }
}
