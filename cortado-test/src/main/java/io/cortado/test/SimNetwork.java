package io.cortado.test;

import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Poll;
import io.cortado.Waker;
import io.cortado.internal.sim.SimDatagram;
import io.cortado.internal.sim.SimListener;
import io.cortado.internal.sim.SimNet;
import io.cortado.internal.sim.SimStream;
import io.cortado.io.AsyncRead;
import io.cortado.io.ConnectionResetException;
import io.cortado.time.Sleep;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The simulated network of a {@link Simulation}: hosts' TCP listeners, connections and UDP sockets, and the links
 * between hosts. Everything runs on the simulation's single thread, so nothing here is synchronised.
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li><b>Time.</b> Every transmission is an event at a simulated instant (now + the link's latency, plus a jitter
 *       drawn from the simulation's seeded generator); a driver task sleeps on the runtime's paused clock until the
 *       earliest event, so the clock jumps from event to event. Events at one instant run in the order they were
 *       made.</li>
 *   <li><b>TCP order.</b> Each direction of a connection is a {@link Flow}: a queue whose head alone is ever
 *       delivered, so bytes, FIN and RST arrive in the order they were sent, at the later of their own arrival time
 *       and the previous segment's. A "lost" segment arrives one retransmission delay late (TCP is reliable).</li>
 *   <li><b>Flow control.</b> A writer may have at most {@value #WINDOW} bytes sent but not yet read by the peer;
 *       beyond that its write is pending until the peer reads.</li>
 *   <li><b>Partitions and holds.</b> A segment or datagram reaching a link that is partitioned or held waits there
 *       (a TCP flow stops at its head; a UDP datagram on a partitioned link is dropped, on a held link kept). Healing
 *       or releasing the link sends what waited, after a fresh latency; released datagrams go in a seeded random
 *       order (reordering).</li>
 *   <li><b>Crashes.</b> A crashed host's sockets vanish silently and its peers learn nothing (as with a machine
 *       that lost power): segments and SYNs sent to it are sent again every retransmission delay, as TCP does, so
 *       once it is back a segment for a connection it no longer has is answered with a reset, and a connect that
 *       waited reaches the restarted host (accepted, or refused if nothing listens yet). A peer that gives up (its
 *       own time-out, a close) stops the retries.</li>
 * </ol>
 */
final class SimNetwork implements SimNet {
    /** Bytes a writer may have unread at its peer (rule 3). */
    static final int WINDOW = 64 * 1024;
    /** Datagrams a UDP socket keeps unread; more are dropped, as a full receive buffer does. */
    static final int UDP_QUEUE = 1024;

    private final Simulation sim;
    private final PriorityQueue<Event> events = new PriorityQueue<>((x, y) -> x.at != y.at
            ? Long.compare(x.at, y.at) : Long.compare(x.seq, y.seq));
    private long eventSeq;
    private Waker driverWaker;
    /** What waits on blocked links (rule 4), by link, in insertion order. */
    private final Map<String, List<Runnable>> parked = new LinkedHashMap<>();
    private long connections;

    SimNetwork(Simulation sim) {
        this.sim = sim;
    }

    private record Event(long at, long seq, Runnable action) {
    }

    // ---------------------------------------------------------------------------------------------------------
    // Events (rule 1)

    private void at(long nanos, Runnable action) {
        events.add(new Event(nanos, eventSeq++, action));
        Waker w = driverWaker;
        if (w != null) {
            driverWaker = null;
            w.wake();
        }
    }

    /** The driver task: runs due events, then sleeps until the next. Never completes. */
    Future<Void> driver() {
        return new Future<>() {
            private Sleep sleep;
            private long sleepUntil = -1;

            @Override
            public Poll<Void> poll(Context cx) {
                for (; ; ) {
                    long now = sim.nowNanos();
                    Event e;
                    while ((e = events.peek()) != null && e.at <= now) {
                        events.poll();
                        e.action.run();
                    }
                    driverWaker = cx.waker();
                    if (e == null) {
                        cancelSleep();
                        return Poll.pending();
                    }
                    if (sleep == null || sleepUntil != e.at) {
                        cancelSleep();
                        sleep = Sleep.until(sim.clock(), sim.instantOf(e.at));
                        sleepUntil = e.at;
                    }
                    if (!sleep.poll(cx).isReady()) {
                        return Poll.pending();
                    }
                    sleep = null;
                }
            }

            private void cancelSleep() {
                if (sleep != null) {
                    sleep.cancel();
                    sleep = null;
                }
            }

            @Override
            public void cancel() {
                cancelSleep();
            }
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Links (rules 1, 4)

    private long delay(Simulation.Host from, Simulation.Host to) {
        return sim.linkDelayNanos(from, to);
    }

    private static String linkKey(Simulation.Host from, Simulation.Host to) {
        return from.name() + "->" + to.name();
    }

    private List<Runnable> parkedOn(Simulation.Host from, Simulation.Host to) {
        return parked.computeIfAbsent(linkKey(from, to), k -> new ArrayList<>());
    }

    /** Sends what waited on the link from {@code from} to {@code to}, if it is open now (rule 4). */
    void linkOpened(Simulation.Host from, Simulation.Host to, boolean shuffle) {
        if (sim.blocked(from, to)) {
            return;
        }
        List<Runnable> waiting = parked.remove(linkKey(from, to));
        if (waiting == null) {
            return;
        }
        if (shuffle) {
            sim.shuffle(waiting);
        }
        for (Runnable r : waiting) {
            r.run();
        }
    }

    /**
     * A control message (SYN, SYN-ACK, refusal, reset) or datagram: arrives after the link's delay, waits while the
     * link is blocked ({@code reliable}) or is dropped on a partition (not reliable).
     */
    private void transmit(Simulation.Host from, Simulation.Host to, boolean reliable, String kind, Runnable arrive) {
        at(sim.nowNanos() + delay(from, to), () -> {
            if (sim.blocked(from, to)) {
                if (reliable || sim.held(from, to)) {
                    parkedOn(from, to).add(() -> transmit(from, to, reliable, kind, arrive));
                } else {
                    sim.trace("drop-" + kind, from.id(), to.id());
                }
                return;
            }
            arrive.run();
        });
    }

    // ---------------------------------------------------------------------------------------------------------
    // SimNet

    private Simulation.Host self() {
        return sim.currentHost("use a socket");
    }

    @Override
    public InetAddress[] lookup(String name) {
        Simulation.Host h = sim.hostNamed(name);
        if (h == null) {
            throw new UncheckedIOException(new UnknownHostException(name + ": no such host in the simulation"));
        }
        return new InetAddress[]{h.address()};
    }

    private Simulation.Host resolve(SocketAddress address) {
        if (!(address instanceof InetSocketAddress isa)) {
            throw new IllegalArgumentException("address : " + address + " (expected: an InetSocketAddress)");
        }
        Simulation.Host h = isa.isUnresolved() ? sim.hostNamed(isa.getHostString()) : sim.hostAt(isa.getAddress());
        if (h == null && !isa.isUnresolved()) {
            h = sim.hostNamed(isa.getHostString());
        }
        return h;
    }

    private static int port(SocketAddress address) {
        return ((InetSocketAddress) address).getPort();
    }

    @Override
    public SimListener bindTcp(SocketAddress address, int backlog) {
        Simulation.Host host = self();
        int port = port(address);
        if (port == 0) {
            port = host.ephemeralPort();
        } else if (host.listeners.containsKey(port)) {
            throw new UncheckedIOException(new BindException("Address already in use: " + host.name() + ":" + port));
        }
        Listener l = new Listener(host, new InetSocketAddress(host.address(), port), backlog);
        host.listeners.put(port, l);
        return l;
    }

    @Override
    public SimDatagram bindUdp(SocketAddress address) {
        Simulation.Host host = self();
        int port = port(address);
        if (port == 0) {
            port = host.ephemeralPort();
        } else if (host.udp.containsKey(port)) {
            throw new UncheckedIOException(new BindException("Address already in use: " + host.name() + ":" + port
                    + "/udp"));
        }
        Udp u = new Udp(host, new InetSocketAddress(host.address(), port));
        host.udp.put(port, u);
        return u;
    }

    @Override
    public Future<SimStream> connectTcp(SocketAddress address) {
        return new Future<>() {
            private Endpoint pending;

            @Override
            public Poll<SimStream> poll(Context cx) {
                if (pending == null) {
                    pending = startConnect(self(), address);
                }
                if (pending.refused != null) {
                    throw pending.refused;
                }
                if (pending.established) {
                    return Poll.ready(pending);
                }
                pending.reader = cx.waker();
                return Poll.pending();
            }

            @Override
            public void cancel() {
                if (pending != null && !pending.established) {
                    pending.abandoned = true; // a SYN-ACK that still arrives is answered with a reset
                }
            }
        };
    }

    /** Sends a SYN; the client endpoint is established when the SYN-ACK comes back (rule 5). */
    private Endpoint startConnect(Simulation.Host from, SocketAddress address) {
        Simulation.Host to = resolve(address);
        int port = port(address);
        Endpoint client = new Endpoint(from, new InetSocketAddress(from.address(), from.ephemeralPort()),
                to == null ? (InetSocketAddress) address : new InetSocketAddress(to.address(), port));
        from.endpoints.add(client);
        long id = ++connections;
        sim.trace("syn", from.id(), id);
        if (to == null) {
            client.refused = new UncheckedIOException(new UnknownHostException(address + ": no such host"));
            return client;
        }
        transmit(from, to, true, "syn", new Runnable() {
            @Override
            public void run() {
                if (client.abandoned || client.closed) {
                    return; // the connect was given up: no more SYNs
                }
                if (!to.up()) {
                    sim.trace("syn-retry", to.id(), id); // rule 5: a down host answers nothing; TCP sends again
                    Runnable again = this;
                    at(sim.nowNanos() + sim.retransmitNanos(), () -> transmit(from, to, true, "syn", again));
                    return;
                }
                arriveSyn(from, to, port, client, id);
            }
        });
        return client;
    }

    private void arriveSyn(Simulation.Host from, Simulation.Host to, int port, Endpoint client, long id) {
        Listener l = to.listeners.get(port);
        if (l == null || l.closed || l.backlog.size() >= l.backlogLimit) {
            transmit(to, from, true, "refuse", () -> client.refuse(new ConnectException(
                    "Connection refused: " + to.name() + ":" + port)));
            return;
        }
        Endpoint server = new Endpoint(to, l.local, client.local);
        to.endpoints.add(server);
        server.peer = client;
        client.peer = server;
        server.established = true;
        server.out = new Flow(server, client);
        client.out = new Flow(client, server);
        l.backlog.add(server);
        wake(l.acceptor);
        l.acceptor = null;
        transmit(to, from, true, "syn-ack", () -> {
            if (client.abandoned || client.closed || !client.alive) {
                server.out.send(Segment.RST, null, sim); // nobody wants it any more
                return;
            }
            client.established = true;
            sim.trace("established", from.id(), id);
            wake(client.reader);
            client.reader = null;
        });
    }

    static void wake(Waker w) {
        if (w != null) {
            w.wake();
        }
    }

    /** Everything of a crashed host vanishes (rule 5). */
    void crashed(Simulation.Host host) {
        for (Endpoint e : host.endpoints) {
            e.alive = false;
            e.closed = true;
        }
        host.endpoints.clear();
        for (Listener l : host.listeners.values()) {
            l.closed = true;
        }
        host.listeners.clear();
        for (Udp u : host.udp.values()) {
            u.closed = true;
        }
        host.udp.clear();
    }

    // ---------------------------------------------------------------------------------------------------------
    // TCP

    private enum Segment { DATA, FIN, RST }

    private record Packet(Segment kind, byte[] data, long readyAt) {
    }

    /** One direction of a connection (rule 2). */
    private final class Flow {
        final Endpoint from;
        final Endpoint to;
        final ArrayDeque<Packet> queue = new ArrayDeque<>();
        boolean scheduled;
        long lastAt;

        Flow(Endpoint from, Endpoint to) {
            this.from = from;
            this.to = to;
        }

        void send(Segment kind, byte[] data, Simulation s) {
            long ready = s.nowNanos() + delay(from.host, to.host);
            if (kind == Segment.DATA && s.lose(from.host, to.host)) {
                ready += s.retransmitNanos(); // rule 2: a lost segment is sent again
                s.trace("retransmit", from.host.id(), data.length);
            }
            queue.add(new Packet(kind, data, ready));
            if (!scheduled) {
                scheduleHead();
            }
        }

        private void scheduleHead() {
            Packet p = queue.peek();
            if (p == null) {
                scheduled = false;
                return;
            }
            scheduled = true;
            long when = Math.max(p.readyAt, lastAt);
            at(when, this::deliverHead);
        }

        private void deliverHead() {
            scheduled = false;
            if (!to.host.up() && from.alive && !from.closed) {
                // rule 5: the peer is down; TCP sends the segment again after a retransmission delay
                lastAt = sim.nowNanos() + sim.retransmitNanos();
                sim.trace("retry", to.host.id(), 0);
                scheduleHead();
                return;
            }
            if (sim.blocked(from.host, to.host)) {
                scheduled = true; // rule 4: the flow waits at its head until the link opens
                parkedOn(from.host, to.host).add(() -> {
                    lastAt = sim.nowNanos() + delay(from.host, to.host);
                    scheduleHead();
                });
                return;
            }
            Packet p = queue.poll();
            lastAt = sim.nowNanos();
            arrive(p);
            scheduleHead();
        }

        private void arrive(Packet p) {
            Endpoint e = to;
            if (!e.host.up()) {
                from.inFlight -= p.data == null ? 0 : p.data.length;
                sim.trace("lost", e.host.id(), p.data == null ? 0 : p.data.length); // rule 5
                return;
            }
            if (p.kind == Segment.RST) {
                e.reset = true;
                sim.trace("rst", e.host.id(), 0);
                e.wakeBoth();
                return;
            }
            if (!e.alive || e.closed) {
                from.inFlight -= p.data == null ? 0 : p.data.length;
                if (p.kind == Segment.DATA && !from.reset && e.peer == from) {
                    e.out.send(Segment.RST, null, sim); // data for a socket that is gone: reset
                }
                return;
            }
            if (p.kind == Segment.FIN) {
                e.finReceived = true;
                sim.trace("fin", e.host.id(), 0);
                wake(e.reader);
                e.reader = null;
                return;
            }
            from.inFlight -= p.data.length;
            e.rx.add(p.data);
            e.rxBytes += p.data.length;
            sim.trace("data", e.host.id(), p.data.length);
            wake(e.reader);
            e.reader = null;
        }
    }

    /** One end of a connection. */
    final class Endpoint implements SimStream {
        final Simulation.Host host;
        final InetSocketAddress local;
        final InetSocketAddress remote;
        Endpoint peer;
        Flow out;
        final ArrayDeque<byte[]> rx = new ArrayDeque<>();
        int rxOffset;
        int rxBytes;
        /** Bytes this end sent that have not reached the peer yet (rule 3). */
        int inFlight;
        boolean established;
        boolean abandoned;
        boolean finReceived;
        boolean outputShut;
        boolean reset;
        boolean closed;
        /** False once the host crashed: the socket is gone. */
        boolean alive = true;
        UncheckedIOException refused;
        Waker reader;
        Waker writer;
        private final Map<String, Object> options = new HashMap<>();

        Endpoint(Simulation.Host host, InetSocketAddress local, InetSocketAddress remote) {
            this.host = host;
            this.local = local;
            this.remote = remote;
        }

        void refuse(ConnectException e) {
            refused = new UncheckedIOException(e);
            wake(reader);
            reader = null;
        }

        void wakeBoth() {
            wake(reader);
            wake(writer);
            reader = null;
            writer = null;
        }

        private void check() {
            if (closed) {
                throw new UncheckedIOException(new ClosedChannelException());
            }
            if (reset) {
                throw new UncheckedIOException(new ConnectionResetException("Connection reset by peer "
                        + remote));
            }
        }

        @Override
        public int pollRead(Context cx, ByteBuffer dst) {
            check();
            if (rxBytes == 0) {
                if (finReceived) {
                    return AsyncRead.EOF;
                }
                reader = cx.waker();
                return AsyncRead.PENDING;
            }
            int n = 0;
            while (dst.hasRemaining() && !rx.isEmpty()) {
                byte[] head = rx.peek();
                int k = Math.min(dst.remaining(), head.length - rxOffset);
                dst.put(head, rxOffset, k);
                rxOffset += k;
                n += k;
                if (rxOffset == head.length) {
                    rx.poll();
                    rxOffset = 0;
                }
            }
            rxBytes -= n;
            if (peer != null) {
                wake(peer.writer); // rule 3: room in the window again
                peer.writer = null;
            }
            return n;
        }

        @Override
        public int pollWrite(Context cx, ByteBuffer src) {
            check();
            if (outputShut) {
                throw new UncheckedIOException(new ClosedChannelException());
            }
            int room = WINDOW - inFlight - (peer == null ? 0 : peer.rxBytes);
            if (room <= 0) {
                writer = cx.waker();
                return AsyncRead.PENDING;
            }
            int n = Math.min(room, src.remaining());
            byte[] data = new byte[n];
            src.get(data);
            inFlight += n;
            out.send(Segment.DATA, data, sim);
            return n;
        }

        @Override
        public void shutdownOutput() {
            check();
            if (!outputShut) {
                outputShut = true;
                out.send(Segment.FIN, null, sim);
            }
        }

        @Override
        public SocketAddress localAddress() {
            return local;
        }

        @Override
        public SocketAddress peerAddress() {
            return remote;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            if (alive && out != null && !outputShut && !reset) {
                outputShut = true;
                out.send(Segment.FIN, null, sim);
            }
            closed = true;
            host.endpoints.remove(this);
            wakeBoth();
        }

        @Override
        public Object option(String name, Object otherwise) {
            return options.getOrDefault(name, otherwise);
        }

        @Override
        public void setOption(String name, Object value) {
            check();
            options.put(name, value);
        }
    }

    /** A TCP listener: connections wait in its backlog until accepted. */
    final class Listener implements SimListener {
        final Simulation.Host host;
        final InetSocketAddress local;
        final int backlogLimit;
        final ArrayDeque<Endpoint> backlog = new ArrayDeque<>();
        Waker acceptor;
        boolean closed;

        Listener(Simulation.Host host, InetSocketAddress local, int backlogLimit) {
            this.host = host;
            this.local = local;
            this.backlogLimit = backlogLimit;
        }

        @Override
        public SimStream pollAccept(Context cx) {
            if (closed) {
                throw new UncheckedIOException(new ClosedChannelException());
            }
            Endpoint e = backlog.poll();
            if (e == null) {
                acceptor = cx.waker();
            }
            return e;
        }

        @Override
        public InetSocketAddress localAddress() {
            return local;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            host.listeners.remove(local.getPort(), this);
            for (Endpoint e : backlog) {
                e.out.send(Segment.RST, null, sim); // connections never accepted are reset
                e.closed = true;
            }
            backlog.clear();
            wake(acceptor);
            acceptor = null;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // UDP

    private record Datagram(InetSocketAddress from, byte[] data) {
    }

    /** A UDP socket. */
    final class Udp implements SimDatagram {
        final Simulation.Host host;
        final InetSocketAddress local;
        final ArrayDeque<Datagram> queue = new ArrayDeque<>();
        InetSocketAddress connected;
        Waker receiver;
        boolean closed;

        Udp(Simulation.Host host, InetSocketAddress local) {
            this.host = host;
            this.local = local;
        }

        private void check() {
            if (closed) {
                throw new UncheckedIOException(new ClosedChannelException());
            }
        }

        @Override
        public int pollSendTo(Context cx, ByteBuffer src, SocketAddress target) {
            check();
            SocketAddress dest = target != null ? target : connected;
            if (dest == null) {
                throw new java.nio.channels.NotYetConnectedException();
            }
            Simulation.Host to = resolve(dest);
            int port = port(dest);
            byte[] data = new byte[src.remaining()];
            src.get(data);
            if (to == null) {
                return data.length; // nobody there: the datagram is lost, as on a real network
            }
            if (sim.lose(host, to)) {
                sim.trace("udp-lost", host.id(), data.length);
                return data.length;
            }
            Datagram d = new Datagram(local, data);
            transmit(host, to, false, "udp", () -> {
                Udp u = to.up() ? to.udp.get(port) : null;
                if (u == null || u.closed || (u.connected != null && !u.connected.equals(d.from))
                        || u.queue.size() >= UDP_QUEUE) {
                    sim.trace("udp-dropped", to.id(), d.data.length);
                    return;
                }
                u.queue.add(d);
                sim.trace("udp", to.id(), d.data.length);
                wake(u.receiver);
                u.receiver = null;
            });
            return data.length;
        }

        @Override
        public SocketAddress pollReceiveFrom(Context cx, ByteBuffer dst) {
            check();
            Datagram d = queue.poll();
            if (d == null) {
                receiver = cx.waker();
                return null;
            }
            dst.put(d.data, 0, Math.min(dst.remaining(), d.data.length)); // too long: truncated, as the OS does
            return d.from;
        }

        @Override
        public void connect(SocketAddress peer) {
            check();
            Simulation.Host h = resolve(peer);
            connected = h == null ? (InetSocketAddress) peer : new InetSocketAddress(h.address(), port(peer));
        }

        @Override
        public SocketAddress localAddress() {
            return local;
        }

        @Override
        public SocketAddress peerAddress() {
            return connected;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                host.udp.remove(local.getPort(), this);
                wake(receiver);
                receiver = null;
            }
        }
    }
}
