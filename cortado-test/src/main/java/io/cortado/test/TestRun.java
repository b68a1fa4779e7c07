package io.cortado.test;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.JoinException;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.TaskDump;
import io.cortado.time.Clock;
import org.junit.platform.commons.JUnitException;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One execution of a {@link CortadoTest} method, in these steps (the package documentation is the user's view):
 * <ol>
 *   <li>snapshot the open descriptors;</li>
 *   <li>make an instance with the no-arg constructor; check the method (not private, not static, returns a
 *       {@link Future}, injectable parameters) and the annotation's values;</li>
 *   <li>build a runtime whose threads are named {@code cortado-test-<n>-...}, unique per run;</li>
 *   <li>start a thread {@code cortado-test-<n>-main} that calls {@code blockOn} on a future whose first poll
 *       invokes the method, so the method body already runs inside the runtime ({@code Task.spawn},
 *       {@code Clock.current()} work there), and then polls the future it returned;</li>
 *   <li>wait for that thread up to {@code timeoutSeconds} of real time. On expiry: take the task dump, shut the
 *       runtime down (which makes {@code blockOn} cancel the future and return) and fail. Waiting on a separate
 *       thread is what lets a test fail even when a poll blocks its thread for good;</li>
 *   <li>otherwise fail with what the future failed with, unwrapped from {@link JoinException} and
 *       {@link CompletionException} to the original throwable (an {@code AssertionError} inside a task shows as
 *       itself);</li>
 *   <li>let woken tasks settle (up to a second of {@code blockOn(yieldNow())} while any task is scheduled or
 *       running: an aborted task runs its cancellation, a task that was handed its last message finishes), then
 *       fail if any task is still alive, with the dump;</li>
 *   <li>shut the runtime down, waiting up to the grace; close the instance if it is {@link AutoCloseable};</li>
 *   <li>fail if a thread with the run's prefix outlives the grace, then if a kind of descriptor grew.</li>
 * </ol>
 * Every failure is kept: the first is thrown, with the others added to it as suppressed exceptions.
 */
final class TestRun {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final List<Class<?>> INJECTABLE = List.of(Handle.class, AsyncRuntime.class, Clock.class);
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final Class<?> testClass;
    private final Method method;
    private final CortadoTest spec;
    private final Duration grace;
    private final String prefix = "cortado-test-" + RUNS.incrementAndGet();
    private final List<Throwable> failures = new ArrayList<>();

    TestRun(Class<?> testClass, Method method, Duration grace) {
        this.testClass = testClass;
        this.method = method;
        this.spec = method.getAnnotation(CortadoTest.class);
        this.grace = grace;
    }

    void run() throws Exception {
        Map<Integer, String> fdsBefore = LeakCheck.descriptors();
        Object instance = null;
        try {
            instance = instantiate();
            checkMethod();
            AsyncRuntime rt = buildRuntime();
            try {
                drive(rt, instance);
            } finally {
                if (!rt.shutdown(grace)) {
                    failures.add(new AssertionError("the runtime of " + name() + " did not stop within "
                            + AsyncAssertions.format(grace) + " of its shutdown: a poll or blocking work is still "
                            + "running"));
                }
            }
        } catch (Exception | Error e) {
            failures.add(e);
        }
        if (instance instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception | Error e) {
                failures.add(e);
            }
        }
        String threads = LeakCheck.leakedThreads(prefix, grace);
        if (threads != null) {
            failures.add(new AssertionError("threads of " + name() + " still alive "
                    + AsyncAssertions.format(grace) + " after its runtime shut down:\n" + threads));
        }
        String fds = LeakCheck.leakedDescriptors(fdsBefore, LeakCheck.descriptors());
        if (fds != null) {
            failures.add(new AssertionError("file descriptors opened during " + name() + " and not closed: " + fds));
        }
        throwFailures();
    }

    private Object instantiate() throws Exception {
        Constructor<?> ctor;
        try {
            ctor = testClass.getDeclaredConstructor();
        } catch (NoSuchMethodException e) {
            throw new JUnitException("test class " + testClass.getName() + " needs a no-arg constructor to run "
                    + name());
        }
        ctor.trySetAccessible();
        try {
            return ctor.newInstance();
        } catch (InvocationTargetException e) {
            throw rethrowable(e.getCause());
        }
    }

    private void checkMethod() {
        int mods = method.getModifiers();
        if (Modifier.isPrivate(mods) || Modifier.isStatic(mods)) {
            throw new JUnitException(name() + " must not be " + (Modifier.isPrivate(mods) ? "private" : "static"));
        }
        if (!Future.class.isAssignableFrom(method.getReturnType())) {
            throw new JUnitException(name() + " must return " + Future.class.getName() + ", but returns "
                    + method.getGenericReturnType().getTypeName());
        }
        for (Class<?> p : method.getParameterTypes()) {
            if (!INJECTABLE.contains(p)) {
                throw new JUnitException(name() + " has a parameter of type " + p.getName() + ", which cannot be "
                        + "injected: parameters may be " + INJECTABLE.stream().map(Class::getName)
                        .collect(Collectors.joining(", ")));
            }
        }
        if (spec.workers() < 1) {
            throw new JUnitException(name() + ": workers : " + spec.workers() + " (expected: >= 1)");
        }
        if (spec.timeoutSeconds() < 1) {
            throw new JUnitException(name() + ": timeoutSeconds : " + spec.timeoutSeconds() + " (expected: >= 1)");
        }
    }

    private AsyncRuntime buildRuntime() {
        AsyncRuntime.Builder b = AsyncRuntime.builder().threadNamePrefix(prefix).startPaused(spec.startPaused());
        if (spec.flavor() == CortadoTest.Flavor.MULTI_THREAD) {
            b.multiThread().workerThreads(spec.workers());
        } else {
            b.currentThread();
        }
        return b.build();
    }

    /** Steps 4 to 7. */
    private void drive(AsyncRuntime rt, Object instance) throws InterruptedException {
        Object[] args = Arrays.stream(method.getParameterTypes())
                .map(p -> p == Handle.class ? rt.handle() : p == Clock.class ? rt.handle().clock() : rt)
                .toArray();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().name(prefix + "-main").daemon(true).start(() -> {
            try {
                rt.blockOn(new Body(instance, args));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        if (!runner.join(Duration.ofSeconds(spec.timeoutSeconds()))) {
            TaskDump dump = rt.handle().dump();
            failures.add(new AssertionError(name() + " did not complete within " + spec.timeoutSeconds()
                    + "s of real time (@CortadoTest(timeoutSeconds = " + spec.timeoutSeconds() + ")); its runtime "
                    + "was shut down. " + dump));
            rt.shutdownBackground(); // blockOn cancels the future and returns; run() waits for the rest
            runner.join(grace); // a thread stuck in a poll stays, and is reported as leaked
            return;
        }
        if (failure.get() != null) {
            failures.add(unwrap(failure.get()));
        }
        TaskDump alive = settledDump(rt);
        if (!alive.tasks().isEmpty()) {
            failures.add(new AssertionError(alive.tasks().size() + " task(s) of " + name() + " still alive after "
                    + "its future completed: await or abort every task the test spawns (the runtime's shutdown "
                    + "cancelled them). " + alive));
        }
    }

    /** Step 7: the live tasks once none is scheduled or running, or after {@link #SETTLE}. */
    private static TaskDump settledDump(AsyncRuntime rt) {
        if (rt.isShutdown()) {
            return new TaskDump(List.of()); // the test shut its runtime down, which cancelled every task
        }
        long deadline = System.nanoTime() + SETTLE.toNanos();
        TaskDump dump = rt.handle().dump();
        while (dump.tasks().stream().anyMatch(t -> !t.state().equals("idle")) && System.nanoTime() < deadline) {
            rt.blockOn(Task.yieldNow());
            dump = rt.handle().dump();
        }
        return dump;
    }

    /** Strips the wrappers of a failure that crossed a task or a checked-exception boundary. */
    static Throwable unwrap(Throwable t) {
        while (t.getCause() != null
                && (t instanceof CompletionException || t instanceof JoinException j && j.isFailed())) {
            t = t.getCause();
        }
        return t;
    }

    private void throwFailures() throws Exception {
        if (failures.isEmpty()) {
            return;
        }
        Throwable first = failures.getFirst();
        failures.subList(1, failures.size()).forEach(first::addSuppressed);
        throw rethrowable(first);
    }

    /** @return {@code t} as something {@code throws Exception} can throw; an {@link Error} is thrown at once */
    private static Exception rethrowable(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof Exception e ? e : new JUnitException("test failed", t);
    }

    private String name() {
        return "@CortadoTest method " + testClass.getName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
                + ")";
    }

    /** The future {@code blockOn} drives: its first poll invokes the test method, then it polls what that returned. */
    private final class Body implements Future<Object> {
        private final Object instance;
        private final Object[] args;
        private Future<?> returned;

        Body(Object instance, Object[] args) {
            this.instance = instance;
            this.args = args;
        }

        @Override
        public Poll<Object> poll(Context cx) {
            if (returned == null) {
                returned = invoke();
            }
            Poll<?> p = returned.poll(cx);
            return p.isReady() ? Poll.ready(p.value()) : Poll.pending();
        }

        private Future<?> invoke() {
            method.trySetAccessible();
            Object r;
            try {
                r = method.invoke(instance, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new CompletionException(cause); // a checked exception; unwrapped again by unwrap
            } catch (IllegalAccessException e) {
                throw new JUnitException("cannot call " + name() + ": open its package to the engine", e);
            }
            if (r == null) {
                throw new JUnitException(name() + " returned null instead of a Future");
            }
            return (Future<?>) r;
        }

        @Override
        public void cancel() {
            if (returned != null) {
                returned.cancel();
            }
        }
    }
}
