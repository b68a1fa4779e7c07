package io.cortado.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test method that returns a {@link io.cortado.Future}: the Cortado test engine (engine id
 * {@code cortado-test}) drives the future to completion on a fresh runtime built from this annotation, fails the
 * test if the future fails, and then fails it if the test leaked a task, a thread or a file descriptor.
 *
 * <pre>{@code
 * class ChannelTest {
 *     @CortadoTest(startPaused = true)
 *     Future<Void> deliversAfterAnHour() {
 *         Oneshot.Channel<String> ch = Oneshot.channel();
 *         Task.spawn(Sleep.sleep(Duration.ofHours(1)).map(v -> ch.sender().send("late")));
 *         return ch.receiver().map(msg -> {
 *             assertEquals("late", msg);
 *             return null;
 *         });
 *     }
 * }
 * }</pre>
 *
 * <p>The method must not be private or static, and its class must be a non-abstract top-level or static nested
 * class with a no-arg constructor. Its parameters, if any, are injected: {@link io.cortado.Handle},
 * {@link io.cortado.AsyncRuntime} and {@link io.cortado.time.Clock} of the test's runtime. A method that breaks one
 * of these rules is reported as a failed test that says which rule, never skipped. What runs when, and every
 * check, is described in the {@linkplain io.cortado.test package documentation}.
 *
 * <p><b>Note:</b> JUnit Jupiter refuses test methods that return a value, so these methods run on a test engine
 * of their own, next to Jupiter: a class may mix {@code @Test} and {@code @CortadoTest} methods, but Jupiter's
 * lifecycle methods ({@code @BeforeEach} ...) and extensions do not apply to {@code @CortadoTest} methods. Use the
 * constructor for set-up and {@link AutoCloseable#close()} for tear-down.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CortadoTest {

    /** @return the runtime flavour (default {@link Flavor#CURRENT_THREAD}, the deterministic one) */
    Flavor flavor() default Flavor.CURRENT_THREAD;

    /** @return worker threads of a {@link Flavor#MULTI_THREAD} runtime, at least 1 (default 2; ignored otherwise) */
    int workers() default 2;

    /**
     * @return whether the runtime's clock starts paused: time then moves only when advanced, by hand or
     * automatically whenever every task waits, so an hour of timers takes no real time (default false)
     */
    boolean startPaused() default false;

    /**
     * @return the real-time limit of the test in seconds, at least 1 (default 60): a future that has not completed
     * by then fails the test with the runtime's task dump, and the runtime is shut down. It is measured on the
     * wall clock, so a paused runtime clock does not stop it
     */
    int timeoutSeconds() default 60;

    /** The runtime flavour of a {@link CortadoTest}. */
    enum Flavor {
        /** Every task runs on the thread that drives the test, inside {@code blockOn}. */
        CURRENT_THREAD,
        /** A work-stealing pool of {@link CortadoTest#workers()} worker threads. */
        MULTI_THREAD
    }
}
