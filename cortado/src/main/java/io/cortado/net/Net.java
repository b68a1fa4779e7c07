package io.cortado.net;

import io.cortado.Handle;
import io.cortado.internal.HandleAccess;
import io.cortado.internal.sim.SimNet;
import io.cortado.internal.io.IoDriver;
import io.cortado.internal.io.Registration;
import io.cortado.io.IoErrors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.util.Objects;

/** What the socket types share: finding the reactor, registering, and naming errors. */
final class Net {
    private Net() {
    }

    /** @return the simulated network of {@code handle}'s runtime, or {@code null} (a real runtime) */
    static SimNet simNet(Handle handle) {
        return HandleAccess.core(Objects.requireNonNull(handle, "handle")).simNet();
    }

    /** Refuses a socket kind the simulation does not have. */
    static void refuseInSimulation(Handle handle, String kind) {
        if (simNet(handle) != null) {
            throw new UnsupportedOperationException(kind + " are not simulated: a deterministic simulation has TCP "
                    + "and UDP only");
        }
    }

    /** @return the reactor of {@code handle} */
    static IoDriver driver(Handle handle) {
        return HandleAccess.core(Objects.requireNonNull(handle, "handle")).ioDriver();
    }

    /**
     * Registers {@code ch} with {@code handle}'s reactor; closes {@code ch} if that fails.
     *
     * @throws UncheckedIOException if the runtime is shut down
     */
    static Registration register(Handle handle, SelectableChannel ch, int readOp, int writeOp, String what) {
        try {
            return driver(handle).register(ch, readOp, writeOp, what);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException(e);
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing or closing: the first error is the one to report
        }
    }

    /** @return a connect failure naming the address (IoErrors keeps a refused connection a ConnectException) */
    static UncheckedIOException connectError(IOException e, SocketAddress to) {
        return IoErrors.unchecked(e, "connect to " + to);
    }

    static UncheckedIOException error(IOException e, String what) {
        return IoErrors.unchecked(e, what);
    }
}
