/**
 * Testing async code with Cortado: test methods that return a {@link io.cortado.Future}, run on a fresh runtime
 * each, and fail on leaked tasks, threads and file descriptors; assertions for time limits and hand-polling; and
 * deterministic simulation.
 *
 * <h2>Deterministic simulation</h2>
 * {@link io.cortado.test.Simulation} runs many logical hosts on one thread with a simulated clock, a seeded
 * scheduler and a simulated network behind the ordinary {@code TcpListener}, {@code TcpStream} and
 * {@code UdpSocket}: latency, jitter, loss, partitions, held and reordered packets, crashes and restarts, the same
 * choices for the same seed. {@link io.cortado.test.SeedSweep} runs a scenario under many seeds and reports every
 * failing one; a {@link io.cortado.test.SimulationFailure} names the seed that reproduces it.
 *
 * <h2>Set-up</h2>
 * Add {@code io.cortado:cortado-test} with test scope next to {@code junit-jupiter}. It brings a JUnit Platform
 * test engine (id {@code cortado-test}, {@link io.cortado.test.CortadoTestEngine}) that Maven Surefire, Gradle and
 * IDEs find on the class path and run beside Jupiter. (Jupiter itself refuses test methods that return a value,
 * which is why these run on an engine of their own.)
 *
 * <h2>Writing a test</h2>
 * <pre>{@code
 * class TimerTest {
 *     @CortadoTest(startPaused = true)
 *     Future<Void> firesAfterAnHour(Clock clock) {
 *         Instant start = clock.now();
 *         return Sleep.sleep(Duration.ofHours(1)).map(v -> {
 *             assertTrue(Duration.between(start, clock.now()).compareTo(Duration.ofHours(1)) >= 0);
 *             return null;
 *         });
 *     }
 *
 *     @CortadoTest(flavor = CortadoTest.Flavor.MULTI_THREAD, workers = 4, timeoutSeconds = 10)
 *     Future<Void> fansOut() {
 *         List<JoinHandle<Integer>> parts = IntStream.range(0, 100)
 *                 .mapToObj(i -> Task.spawn(Futures.lazy(() -> i))).toList();
 *         return Futures.joinAll(parts).map(values -> {
 *             // the engine ignores what the future completes with: assert on it
 *             assertEquals(99 * 100 / 2, values.stream().mapToInt(Integer::intValue).sum());
 *             return null;
 *         });
 *     }
 * }
 * }</pre>
 * A test method may be an async method ({@code cortado-async}): compile the test classes with
 * {@code cortado-async-maven-plugin}'s {@code transform-tests} goal (or run with its agent), and write the test as
 * plain code with {@code await(...)}; {@code cortado-async-tests}' {@code AsyncCortadoTestsTest} does.
 *
 * <p>The method body runs inside the runtime, on the thread that drives the test, so {@code Task.spawn} and
 * {@code Clock.current()} work there. Parameters of type {@link io.cortado.Handle}, {@link io.cortado.AsyncRuntime}
 * and {@link io.cortado.time.Clock} are injected.
 *
 * <h2>What a test run does</h2>
 * <ol>
 *   <li>A new instance of the class (no-arg constructor) and a new runtime of the annotation's flavour, whose
 *       threads are named {@code cortado-test-<n>-...} with {@code n} unique per run.</li>
 *   <li>{@code blockOn} of the method's future on a thread of its own ({@code cortado-test-<n>-main}), watched on
 *       the wall clock: after {@link io.cortado.test.CortadoTest#timeoutSeconds()} the test fails with the
 *       runtime's task dump ({@link io.cortado.Handle#dump()}) and the runtime is shut down, so a hung future (even
 *       one whose poll blocks its thread) cannot stall the build.</li>
 *   <li>A failed future fails the test with its exception, unwrapped to the original: an {@code AssertionError}
 *       thrown inside a task the test awaits shows as that {@code AssertionError}, not as a
 *       {@link io.cortado.JoinException}.</li>
 *   <li>Leak checks, each a test failure with a precise message (all failures of one run are reported, the first
 *       one thrown and the others attached as suppressed):
 *     <ul>
 *       <li><b>tasks</b> still alive once the future completed and every woken task had its turn, listed from the
 *           task dump. Await, join or abort what you spawn; the shutdown that follows cancels the rest;</li>
 *       <li><b>threads</b> of the run still alive after the runtime's shutdown and a grace, with their stacks;</li>
 *       <li><b>file descriptors</b> opened during the run and not closed, by kind ({@code file}, {@code socket},
 *           {@code pipe}, ...) with the new targets (Linux, through {@code /proc/self/fd}; skipped elsewhere).</li>
 *     </ul></li>
 *   <li>The runtime is shut down (waiting up to the grace for blocking work) and the instance closed if it is
 *       {@link java.lang.AutoCloseable}.</li>
 * </ol>
 * Configuration parameter {@code cortado.test.shutdownGraceMillis} (default 5000): the grace of the last two steps.
 *
 * <h2>Assertions</h2>
 * {@link io.cortado.test.AsyncAssertions#assertCompletesWithin} limits a future on the runtime's clock (free on a
 * paused clock); {@link io.cortado.test.AsyncAssertions#assertPending} and
 * {@link io.cortado.test.AsyncAssertions#assertReady} poll by hand with a {@link io.cortado.test.TestWaker}, which
 * counts the wakes a pending future arranged.
 *
 * <h2>Not supported</h2>
 * Jupiter's lifecycle methods and extensions ({@code @BeforeEach}, {@code @AfterEach}, {@code @ExtendWith},
 * {@code @Disabled}, {@code @Nested}, {@code @Tag}), parameterised or repeated {@code @CortadoTest}s, and parallel
 * execution: tests run one at a time, because the descriptor check counts the whole process's descriptors. Use the
 * constructor for set-up and {@code close()} for tear-down. An {@code org.opentest4j.TestAbortedException} (e.g.
 * from Jupiter's {@code Assumptions}) marks the test aborted, as in Jupiter.
 */
package io.cortado.test;
