package io.cortado.trace;

import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.AfterEach;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Base of the tests that install a subscriber: whatever a test installed is uninstalled, and nothing stays on. */
abstract class SubscriberTestBase extends RuntimeTestBase {
    /** What the test installed ({@link Tracing#install}'s restore handle), or {@code null}. */
    AutoCloseable installed;

    @AfterEach
    final void uninstall() throws Exception {
        if (installed != null) {
            installed.close();
        }
        assertFalse(Tracing.isOn(Level.ERROR), "no subscriber left installed");
    }
}
