package io.cortado.local;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Task;

import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@link GlobalRuntimeTest} in a fresh JVM (the global runtime lives as long as its process): checks the lazy
 * start, the system properties, {@code configureGlobal} before and after the start, and that it cannot be closed.
 * Prints {@code OK ...} or throws.
 */
public final class GlobalRuntimeMain {
    private GlobalRuntimeMain() {
    }

    static List<Thread> globalThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("cortado-global")) {
                out.add(t);
            }
        }
        return out;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }

    public static void main(String[] args) {
        check(globalThreads().isEmpty(), "no global thread before first use");
        AsyncRuntime.configureGlobal(b -> b.maxBlockingThreads(3));
        check(globalThreads().isEmpty(), "configuring does not start it");
        try {
            AsyncRuntime.configureGlobal(b -> b.workerThreads(1));
            throw new AssertionError("a second configureGlobal must fail");
        } catch (IllegalStateException expected) {
            check(expected.getMessage().contains("once"), expected.getMessage());
        }

        AsyncRuntime g = AsyncRuntime.global();
        check(g == AsyncRuntime.global(), "one global runtime");
        int sum = g.blockOn(Futures.lazy(() -> Task.spawn(Futures.lazy(() -> 20)).map(x -> x + 22)).then(f -> f));
        check(sum == 42, "it runs tasks");
        long workers = globalThreads().stream().filter(t -> t.getName().contains("worker")).count();
        check(workers == Integer.getInteger("cortado.workers"), "cortado.workers respected: " + workers);
        check(globalThreads().stream().allMatch(Thread::isDaemon), "daemon threads");

        try {
            AsyncRuntime.configureGlobal(b -> b.workerThreads(1));
            throw new AssertionError("configuring after the start must fail");
        } catch (IllegalStateException expected) {
            check(expected.getMessage().contains("already started"), expected.getMessage());
            check(expected.getCause() != null && expected.getCause().getMessage().contains("started here"),
                    "the error says where it was started");
        }
        try {
            g.close();
            throw new AssertionError("closing the global runtime must fail");
        } catch (IllegalStateException expected) {
            check(expected.getMessage().contains("cannot be shut down"), expected.getMessage());
        }
        System.out.println("OK workers=" + workers);
        // no shutdown: the JVM exits although the global runtime's (daemon) threads still run
    }
}
