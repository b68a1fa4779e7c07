package io.cortado.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Handle;
import io.cortado.Poll;
import io.cortado.internal.io.Registration;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.BiFunction;

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
    private SocketChannel ch;
    private Registration reg;
    private boolean done;

    ConnectFuture(Handle handle, SocketAddress to, Opener opener, String kind,
                  BiFunction<SocketChannel, Registration, S> wrap) {
        this.handle = handle;
        this.to = to;
        this.opener = opener;
        this.kind = kind;
        this.wrap = wrap;
    }

    @Override
    public Poll<S> poll(Context cx) {
        try {
            if (reg == null) {
                Handle h = handle != null ? handle : Handle.current();
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
        if (reg != null) {
            reg.close(null);
        } else if (ch != null) {
            Net.closeQuietly(ch);
        }
    }
}
