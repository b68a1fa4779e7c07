package io.cortado.test;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.testing.RuntimeTestBase;
import io.cortado.time.Clock;
import io.cortado.time.Sleep;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.engine.TestExecutionResult;
import org.opentest4j.AssertionFailedError;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import static io.cortado.test.EngineKit.assertSucceeded;
import static io.cortado.test.EngineKit.failure;
import static io.cortado.test.EngineKit.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the engine makes of a test's future: success, failures and their causes, injection, flavours, the guard. */
class EngineOutcomeTest extends RuntimeTestBase {

    @Test
    void aFutureThatCompletesPasses() {
        assertSucceeded(run(Outcomes.class, "passes"));
    }

    @Test
    void aFailedFutureFailsTheTestWithItsException() {
        Throwable t = failure(run(Outcomes.class, "fails"));
        assertInstanceOf(IllegalStateException.class, t);
        assertEquals("boom", t.getMessage());
        assertEquals(0, t.getSuppressed().length, "no leak reported on top");
    }

    @Test
    void anAssertionErrorInsideAnAwaitedTaskShowsAsItself() {
        Throwable t = failure(run(Outcomes.class, "assertionInTask"));
        assertSame(AssertionFailedError.class, t.getClass(), "Jupiter's assertion, unwrapped from the JoinException");
        assertEquals("expected: <1> but was: <2>", t.getMessage());
    }

    @Test
    void aCheckedExceptionThrownByTheMethodFailsTheTestAsItself() {
        Throwable t = failure(run(Outcomes.class, "throwsChecked"));
        assertInstanceOf(IOException.class, t);
        assertEquals("disk full", t.getMessage());
    }

    @Test
    void theMethodBodyRunsInsideTheRuntime() {
        assertSucceeded(run(Outcomes.class, "spawnsInItsBody"));
    }

    @Test
    void aMethodThatDoesNotReturnAFutureFailsAndSaysSo() {
        Throwable t = failure(run(Signatures.class, "returnsString"));
        assertInstanceOf(JUnitException.class, t);
        assertEquals("@CortadoTest method " + Signatures.class.getName() + ".returnsString() must return "
                + "io.cortado.Future, but returns java.lang.String", t.getMessage());
        assertTrue(failure(run(Signatures.class, "returnsVoid")).getMessage().endsWith("but returns void"));
    }

    @Test
    void aParameterThatCannotBeInjectedFailsAndSaysSo() {
        Throwable t = failure(run(Signatures.class, "wantsString", "java.lang.String"));
        assertEquals("@CortadoTest method " + Signatures.class.getName() + ".wantsString(String) has a parameter "
                + "of type java.lang.String, which cannot be injected: parameters may be io.cortado.Handle, "
                + "io.cortado.AsyncRuntime, io.cortado.time.Clock", t.getMessage());
    }

    @Test
    void staticMethodsNullFuturesAndMissingConstructorsFailAndSaySo() {
        assertTrue(failure(run(Signatures.class, "isStatic")).getMessage().endsWith(".isStatic() must not be static"));
        assertTrue(failure(run(Signatures.class, "returnsNull")).getMessage()
                .endsWith(".returnsNull() returned null instead of a Future"));
        assertEquals("test class " + NoDefaultConstructor.class.getName() + " needs a no-arg constructor to run "
                        + "@CortadoTest method " + NoDefaultConstructor.class.getName() + ".passes()",
                failure(run(NoDefaultConstructor.class, "passes")).getMessage());
    }

    @Test
    void badAnnotationValuesFailInTheCheckFormat() {
        assertTrue(failure(run(Signatures.class, "noWorkers")).getMessage()
                .endsWith(".noWorkers(): workers : 0 (expected: >= 1)"));
        assertTrue(failure(run(Signatures.class, "noTime")).getMessage()
                .endsWith(".noTime(): timeoutSeconds : 0 (expected: >= 1)"));
    }

    @Test
    void handleRuntimeAndClockAreInjected() {
        Outcomes.injected = null;
        assertSucceeded(run(Outcomes.class, "injects", "io.cortado.Handle,io.cortado.AsyncRuntime,"
                + "io.cortado.time.Clock"));
        Outcomes.Injected in = Outcomes.injected;
        assertSame(in.runtime().handle(), in.handle());
        assertSame(in.handle().clock(), in.clock());
        assertEquals("current_thread", in.handle().flavor());
        assertTrue(in.runtime().isShutdown(), "the engine shut the runtime down");
    }

    @Test
    void startPausedSleepsAnHourAtOnce() {
        Outcomes.advanced = null;
        long start = System.nanoTime();
        assertSucceeded(run(Outcomes.class, "sleepsAnHour", "io.cortado.time.Clock"));
        assertTrue(Outcomes.advanced.compareTo(Duration.ofHours(1)) >= 0, "clock advanced " + Outcomes.advanced);
        // "at once": far below the hour; 10 s leaves room for a loaded machine, the run itself takes milliseconds
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
    }

    @Test
    void multiThreadRunsOnTheRequestedWorkers() {
        Outcomes.workerThreads = null;
        assertSucceeded(run(Outcomes.class, "threeWorkers", "io.cortado.Handle"));
        assertFalse(Outcomes.workerThreads.isEmpty());
        for (String name : Outcomes.workerThreads) {
            assertTrue(name.matches("cortado-test-\\d+-worker-\\d+"), name);
        }
    }

    @Test
    void theRealTimeGuardFailsAHungTestWithTheDump() {
        Throwable t = failure(run(Outcomes.class, "neverCompletes"));
        assertInstanceOf(AssertionError.class, t);
        String m = t.getMessage();
        assertTrue(m.contains(".neverCompletes() did not complete within 1s of real time "
                + "(@CortadoTest(timeoutSeconds = 1)); its runtime was shut down."), m);
        assertTrue(m.contains("Cortado task dump: 1 live tasks"), m);
        assertTrue(m.contains("the-awaited-one"), m);
        assertEquals(0, t.getSuppressed().length, "the leaked task is in the dump already: " + m);
    }

    @Test
    void theGuardAlsoFailsATestWhosePollBlocksItsThread() throws InterruptedException {
        Outcomes.release = new CountDownLatch(1);
        try {
            Throwable t = failure(EngineKit.runLeakingAThread(Outcomes.class, "blocksItsThread"));
            assertTrue(t.getMessage().contains(".blocksItsThread() did not complete within 1s"), t.getMessage());
            String suppressed = String.join("\n", java.util.Arrays.stream(t.getSuppressed())
                    .map(Throwable::getMessage).toList());
            assertTrue(suppressed.contains("did not stop within " + EngineKit.SHORT_GRACE_MILLIS
                    + "ms of its shutdown"), suppressed);
            assertTrue(suppressed.matches("(?s).*\"cortado-test-\\d+-main\" WAITING.*CountDownLatch\\.await.*"),
                    suppressed);
        } finally {
            Outcomes.release.countDown();
            awaitCondition(() -> cortadoThreads().isEmpty(), "the released test thread ends");
        }
    }

    @Test
    void anAutoCloseableInstanceIsClosedAfterPassingAndFailingTests() {
        Closing.closed = 0;
        assertSucceeded(run(Closing.class, "passes"));
        assertEquals(1, Closing.closed);
        failure(run(Closing.class, "fails"));
        assertEquals(2, Closing.closed);
    }

    @Test
    void everyFixtureMethodRunsAsOneTestOfTheClass() {
        var outcomes = EngineKit.outcomes(EngineKit.execute(
                org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(Closing.class)));
        assertEquals(List.of("fails", "passes"), List.copyOf(outcomes.keySet()));
        assertEquals(TestExecutionResult.Status.SUCCESSFUL, outcomes.get("passes").getStatus());
        assertEquals(TestExecutionResult.Status.FAILED, outcomes.get("fails").getStatus());
    }

    static class Outcomes extends Fixture {
        record Injected(Handle handle, AsyncRuntime runtime, Clock clock) {
        }

        static volatile Injected injected;
        static volatile Duration advanced;
        static volatile List<String> workerThreads;
        static volatile CountDownLatch release;

        @CortadoTest
        Future<Integer> passes() {
            return Futures.ready(42);
        }

        @CortadoTest
        Future<Void> fails() {
            return Futures.failed(new IllegalStateException("boom"));
        }

        @CortadoTest
        Future<Void> assertionInTask() {
            return Task.spawn(Futures.lazy(() -> {
                assertEquals(1, 2);
                return null;
            }));
        }

        @CortadoTest
        Future<Void> throwsChecked() throws IOException {
            throw new IOException("disk full");
        }

        @CortadoTest
        Future<Integer> spawnsInItsBody() {
            Handle.current(); // throws outside a runtime
            return Task.spawn(Futures.lazy(() -> 1)).then(one -> Task.spawn(Futures.lazy(() -> one + 1)));
        }

        @CortadoTest
        Future<Void> injects(Handle handle, AsyncRuntime runtime, Clock clock) {
            injected = new Injected(handle, runtime, clock);
            return Futures.ready(null);
        }

        @CortadoTest(startPaused = true)
        Future<Void> sleepsAnHour(Clock clock) {
            Instant start = clock.now();
            return Sleep.sleep(Duration.ofHours(1)).map(v -> {
                advanced = Duration.between(start, clock.now());
                return null;
            });
        }

        @CortadoTest(flavor = CortadoTest.Flavor.MULTI_THREAD, workers = 3)
        Future<Void> threeWorkers(Handle handle) {
            assertEquals(3, handle.metrics().workers());
            assertEquals("multi_thread", handle.flavor());
            List<JoinHandle<String>> names = IntStream.range(0, 30)
                    .mapToObj(i -> Task.spawn(Futures.lazy(() -> Thread.currentThread().getName()))).toList();
            return Futures.joinAll(names).map(list -> {
                workerThreads = list;
                return null;
            });
        }

        @CortadoTest(timeoutSeconds = 1)
        Future<Void> neverCompletes() {
            return Task.builder().name("the-awaited-one").spawn(Futures.pending());
        }

        @CortadoTest(timeoutSeconds = 1)
        Future<Void> blocksItsThread() {
            return new Future<>() {
                @Override
                public Poll<Void> poll(Context cx) {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return Poll.ready(null);
                }
            };
        }
    }

    static class Signatures extends Fixture {
        @CortadoTest
        String returnsString() {
            return "not a future";
        }

        @CortadoTest
        void returnsVoid() {
        }

        @CortadoTest
        Future<Void> wantsString(String s) {
            return Futures.ready(null);
        }

        @CortadoTest
        static Future<Void> isStatic() {
            return Futures.ready(null);
        }

        @CortadoTest
        Future<Void> returnsNull() {
            return null;
        }

        @CortadoTest(flavor = CortadoTest.Flavor.MULTI_THREAD, workers = 0)
        Future<Void> noWorkers() {
            return Futures.ready(null);
        }

        @CortadoTest(timeoutSeconds = 0)
        Future<Void> noTime() {
            return Futures.ready(null);
        }
    }

    static class NoDefaultConstructor extends Fixture {
        NoDefaultConstructor(int unused) {
        }

        @CortadoTest
        Future<Void> passes() {
            return Futures.ready(null);
        }
    }

    static class Closing extends Fixture implements AutoCloseable {
        static volatile int closed;

        @CortadoTest
        Future<Void> passes() {
            return Futures.ready(null);
        }

        @CortadoTest
        Future<Void> fails() {
            return Futures.failed(new IllegalStateException("fails"));
        }

        @Override
        public void close() {
            closed++;
        }
    }
}
