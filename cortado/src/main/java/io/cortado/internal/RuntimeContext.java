package io.cortado.internal;

import io.cortado.Handle;

/**
 * Ambient runtime discovery: the {@link Handle} of the runtime whose thread is running, bound with a
 * {@link ScopedValue} (not a thread-local) for the extent of a {@code blockOn}, a worker loop or a blocking call.
 * On the runtime's own threads ({@link RuntimeThread}) a plain field mirrors the binding, for speed.
 */
public final class RuntimeContext {
    private static final ScopedValue<Handle> CURRENT = ScopedValue.newInstance();

    private RuntimeContext() {
    }

    /** @return the handle of the runtime driving this thread, or {@code null} */
    public static Handle currentOrNull() {
        if (Thread.currentThread() instanceof RuntimeThread rt) {
            return rt.current; // the fast path: equal to the scoped value, see RuntimeThread
        }
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /** Runs {@code body} with {@code handle} as the current runtime. */
    public static void runWith(Handle handle, Runnable body) {
        callWith(handle, () -> {
            body.run();
            return null;
        });
    }

    /** Calls {@code body} with {@code handle} as the current runtime; unchecked exceptions pass through. */
    public static <T> T callWith(Handle handle, java.util.function.Supplier<T> body) {
        if (!(Thread.currentThread() instanceof RuntimeThread rt)) {
            return ScopedValue.where(CURRENT, handle).call(body::get);
        }
        Handle outer = rt.current;
        rt.current = handle;
        try {
            return ScopedValue.where(CURRENT, handle).call(body::get);
        } finally {
            rt.current = outer;
        }
    }

    /** The message of the error raised when an ambient call finds no runtime. */
    public static final String NO_RUNTIME = "no Cortado runtime is running on this thread. Start one with "
            + "AsyncRuntime.run(future) (or AsyncRuntime.builder().currentThread().build().blockOn(future)), "
            + "or use an explicit Handle: handle.spawn(future) works from any thread";
}
