package io.cortado.examples.net;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.examples.net.KvServer.Command;
import io.cortado.examples.net.KvServer.Del;
import io.cortado.examples.net.KvServer.Get;
import io.cortado.examples.net.KvServer.Request;
import io.cortado.examples.net.KvServer.Set;
import io.cortado.sync.Mpsc;

import java.util.HashMap;
import java.util.Map;

/**
 * The task that owns the key-value map (see {@link KvServer}). Its poll takes requests from its inbox until the
 * inbox is empty, answering each on the request's one-shot channel; {@code pollRecv} then has registered the
 * task's waker, so the next request polls it again. A plain {@link HashMap} is enough: only this task touches it.
 *
 * <p>The task ends when every sender of the inbox is closed (the server closed) and it has answered everything
 * already sent; its output is the number of keys left.
 */
final class KvStore implements Future<Integer> {
    private final Mpsc.Receiver<Request> inbox;
    private final Map<String, String> map = new HashMap<>();

    KvStore(Mpsc.Receiver<Request> inbox) {
        this.inbox = inbox;
    }

    @Override
    public Poll<Integer> poll(Context cx) {
        for (; ; ) {
            Poll<Request> next = inbox.pollRecv(cx); // spends budget: a busy store still lets other tasks run
            if (!next.isReady()) {
                return Poll.pending();
            }
            Request r = next.value();
            if (r == null) {
                return Poll.ready(map.size()); // every sender closed: the server is gone
            }
            // send() returns false if the connection went away meanwhile; the command was applied anyway.
            r.reply().send(apply(r.command()));
        }
    }

    private String apply(Command c) {
        return switch (c) {
            case Set s -> {
                map.put(s.key(), s.value());
                yield "OK";
            }
            case Get g -> map.getOrDefault(g.key(), "NIL");
            case Del d -> map.remove(d.key()) != null ? "1" : "0";
        };
    }

    /** The server is shutting down: stop receiving; requests still queued are dropped with their answers. */
    @Override
    public void cancel() {
        inbox.close();
    }
}
