package io.cortado.time;

import io.cortado.AsyncRuntime;
import org.junit.jupiter.api.Nested;

/** {@link TimeBehaviourTest} on the current-thread runtime and on the multi-thread runtime with two workers. */
class TimeTest {

    @Nested
    class CurrentThread extends TimeBehaviourTest {
        @Override
        protected AsyncRuntime.Builder flavour() {
            return AsyncRuntime.builder().currentThread();
        }
    }

    @Nested
    class MultiThread extends TimeBehaviourTest {
        @Override
        protected AsyncRuntime.Builder flavour() {
            return AsyncRuntime.builder().multiThread().workerThreads(2);
        }

        @Override
        protected boolean tasksRunBesideBlockOn() {
            return true;
        }
    }
}
