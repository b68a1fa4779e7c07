package io.cortado.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.internal.HandleAccess;
import io.cortado.internal.io.Registration;
import io.cortado.internal.sim.SimNet;
import io.cortado.internal.sim.SimStream;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A non-blocking connect on the reactor, shared by TCP and Unix streams. Lazy: the socket is opened on the first
 * poll, with the polling task's runtime. Cancelling (or failing) closes the half-open socket.
 */
final class ConnectFuture<S> implements Future<S> {
    interface Opener {
        SocketChannel open() throws IOException;
    }

    private final Handle handle;
    private final SocketAddress to;
    private final Opener opener;
    private final String kind;
    private final BiFunction<SocketChannel, Registration, S> wrap;
    /** Wraps a simulated connection; {@code null} for a kind the simulation does not have (Unix sockets). */
    private final Function<SimStream, S> simWrap;
    /** The simulated connect, on a deterministic runtime. */
    private Future<SimStream> sim;
    private SocketChannel ch;
    private Registration reg;
    private boolean done;

    ConnectFuture(Handle handle, SocketAddress to, Opener opener, String kind,
                  BiFunction<SocketChannel, Registration, S> wrap, Function<SimStream, S> simWrap) {
        this.simWrap = simWrap;
        this.handle = handle;
        this.to = to;
        this.opener = opener;
        this.kind = kind;
        this.wrap = wrap;
    }

    @Override
    public Poll<S> poll(Context cx) {
        try {
            if (sim != null) {
                return pollSim(cx);
            }
            if (reg == null) {
                Handle h = handle != null ? handle : Handle.current();
                SimNet net = HandleAccess.core(h).simNet();
                if (net != null) {
                    if (simWrap == null) {
                        throw new UnsupportedOperationException(kind + "s are not simulated: a deterministic "
                                + "simulation has TCP and UDP only");
                    }
                    sim = net.connectTcp(to);
                    return pollSim(cx);
                }
                try {
                    ch = opener.open();
                } catch (IOException e) {
                    throw Net.connectError(e, to);
                }
                reg = Net.register(h, ch, SelectionKey.OP_READ, SelectionKey.OP_CONNECT, kind + " to " + to);
                try {
                    if (ch.connect(to)) {
                        return connected();
                    }
                } catch (IOException e) {
                    throw Net.connectError(e, to);
                }
            }
            for (; ; ) {
                int r = reg.pollReady(cx, Registration.WRITE);
                if (r < 0) {
                    return Poll.pending();
                }
                try {
                    if (ch.finishConnect()) {
                        return connected();
                    }
                } catch (IOException e) {
                    throw Net.connectError(e, to);
                }
                reg.clearReady(r, Registration.WRITE);
            }
        } catch (RuntimeException | Error e) {
            cancel();
            throw e;
        }
    }

    private Poll<S> pollSim(Context cx) {
        Poll<SimStream> p = sim.poll(cx);
        if (!p.isReady()) {
            return Poll.pending();
        }
        done = true;
        return Poll.ready(simWrap.apply(p.value()));
    }

    private Poll<S> connected() {
        done = true;
        reg.setWriteOp(SelectionKey.OP_WRITE);
        return Poll.ready(wrap.apply(ch, reg));
    }

    @Override
    public void cancel() {
        if (done) {
            return;
        }
        done = true;
        if (sim != null) {
            sim.cancel();
        } else if (reg != null) {
            reg.close(null);
        } else if (ch != null) {
            Net.closeQuietly(ch);
        }
    }
}
