package io.cortado;

import org.junit.jupiter.api.Nested;

/** {@link TaskBehaviourTest} on the multi-thread runtime, with one worker and with four. */
class MultiThreadTaskBehaviourTest {

    @Nested
    class OneWorker extends TaskBehaviourTest {
        @Override
        protected AsyncRuntime newRuntime() {
            return AsyncRuntime.builder().multiThread().workerThreads(1).seed(1).build();
        }

        @Override
        protected boolean singleThreaded() {
            return true;
        }
    }

    @Nested
    class FourWorkers extends TaskBehaviourTest {
        @Override
        protected AsyncRuntime newRuntime() {
            return AsyncRuntime.builder().multiThread().workerThreads(4).seed(4).build();
        }

        @Override
        protected boolean singleThreaded() {
            return false;
        }
    }
}
