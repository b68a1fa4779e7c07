package io.cortado.internal;

import io.cortado.Handle;

import java.util.function.Function;

/**
 * Lets Cortado's other exported packages (net, fs ...) reach the {@link RuntimeCore} behind a {@link Handle} without
 * making it public API: {@code Handle} installs the accessor when its class initialises, which happens before any
 * handle exists.
 */
public final class HandleAccess {
    private static volatile Function<Handle, RuntimeCore> coreOf;

    private HandleAccess() {
    }

    /** Called once, by {@link Handle}'s static initialiser. */
    public static void install(Function<Handle, RuntimeCore> accessor) {
        coreOf = accessor;
    }

    /** @return the runtime behind {@code handle} */
    public static RuntimeCore core(Handle handle) {
        return coreOf.apply(handle);
    }
}
