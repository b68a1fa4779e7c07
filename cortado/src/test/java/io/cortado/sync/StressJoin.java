package io.cortado.sync;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.time.TimeoutException;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Joins the tasks of a stress test, turning a hang (a lost wake) into a failure that shows the test's state. */
final class StressJoin {
    /** Far above what a loaded two-core machine needs for the heaviest form, below the JUnit time limit. */
    static final Duration LIMIT = Duration.ofSeconds(45);

    private StressJoin() {
    }

    /**
     * Waits for every task; a task's failure is rethrown (and the others cancelled).
     *
     * @param state what the failure message shows if the tasks do not finish within {@link #LIMIT}
     */
    static void joinAll(AsyncRuntime rt, List<? extends JoinHandle<?>> tasks, Supplier<String> state) {
        try {
            rt.blockOn(Futures.lazy(() -> Futures.joinAll(tasks).timeout(LIMIT)).then(f -> f));
        } catch (TimeoutException e) {
            fail("the tasks did not finish within " + LIMIT.toSeconds() + " s (a lost wake?): " + state.get());
        }
    }
}
