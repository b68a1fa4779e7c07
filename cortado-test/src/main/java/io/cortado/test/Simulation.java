package io.cortado.test;

import io.cortado.AbortHandle;
import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.JoinHandle;
import io.cortado.Poll;
import io.cortado.Task;
import io.cortado.TaskLocal;
import io.cortado.Waker;
import io.cortado.internal.sim.SimConfig;
import io.cortado.internal.sim.SimRuntimes;
import io.cortado.internal.sim.SpawnHook;
import io.cortado.time.Clock;
import io.cortado.time.Sleep;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A deterministic simulation: many logical hosts in one thread, with a simulated clock, a seeded scheduler and a
 * simulated network behind the ordinary {@code TcpListener}, {@code TcpStream} and {@code UdpSocket} — so unchanged
 * server code meets partitions, lost and reordered packets, latency and crashes, and every run of a seed makes the
 * same choices in the same order.
 *
 * <pre>{@code
 * static Simulation scenario(long seed) {
 *     Simulation sim = Simulation.builder().seed(seed).latency(Duration.ofMillis(2)).jitter(Duration.ofMillis(3))
 *             .build();
 *     sim.host("server", () -> EchoServer.serve(7000));              // the user's server, unchanged
 *     sim.client("client", () -> Futures.lazy(() -> TcpStream.connect("server", 7000))
 *             .then(s -> ...));
 *     return sim;
 * }
 * scenario(42).run();                                                // fails with SimulationFailure naming the seed
 * SeedSweep.run(0, 1_000, MyTest::scenario).assertNoFailures();      // every failing seed, reported
 * }</pre>
 *
 * <h2>What is deterministic</h2>
 * The simulation runs on a current-thread runtime whose next task is chosen by a generator seeded with the seed;
 * its clock is paused and jumps to the next timer or network event whenever nothing can run; blocking work
 * ({@code spawnBlocking}) runs inline in its turn; selects draw from the same generator; the network's latency
 * jitter, losses and reorderings draw from a second generator seeded from the seed. Code under test stays
 * deterministic as long as it takes no input from outside (wall-clock time, real sockets, other threads,
 * {@code ThreadLocalRandom}, iteration over identity hash codes).
 *
 * <h2>Hosts</h2>
 * {@link #host} starts a host's main future when the simulation starts (and again on {@link #restart});
 * {@link #client} is a host whose main's completion the run waits for: {@link #run} returns when every client's
 * main has completed, and fails when one fails, when a host's main fails, or when the simulated time limit
 * passes. Tasks spawned by a host's tasks belong to that host (a crash aborts them), and sockets they open are the
 * host's. Control methods ({@link #partition}, {@link #crash}, ...) may be called by the simulation's own tasks
 * (e.g. a client that crashes a server halfway) or before {@link #run}.
 */
public final class Simulation {
    private static final TaskLocal<Host> HOST = TaskLocal.newInstance("cortado.simulation.host");

    private final long seed;
    private final Duration latency;
    private final Duration jitter;
    private final double loss;
    private final Duration retransmit;
    private final Duration timeLimit;
    private final SplittableRandom netRng;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<InetAddress, Host> byAddress = new HashMap<>();
    private final Map<String, Link> links = new HashMap<>();
    private final Set<String> partitions = new HashSet<>();
    private final Set<String> holds = new HashSet<>();
    private final SimTrace trace = new SimTrace();
    private final SimNetwork net = new SimNetwork(this);
    private Clock clock;
    private Instant start;
    private Thread thread;
    private boolean ran;
    private long taskSeq;
    private Host spawningHost;
    private Waker top;
    private SimulationFailure hostFailure;

    private Simulation(Builder b) {
        this.seed = b.seed;
        this.latency = b.latency;
        this.jitter = b.jitter;
        this.loss = b.loss;
        this.retransmit = b.retransmit;
        this.timeLimit = b.timeLimit;
        this.netRng = new SplittableRandom(b.seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
    }

    /** @return a builder: seed 0, latency 1 ms, no jitter, no loss, retransmission 200 ms, time limit 1 h */
    public static Builder builder() {
        return new Builder();
    }

    /** Settings of a {@link Simulation}; every one has a default. */
    public static final class Builder {
        private long seed;
        private Duration latency = Duration.ofMillis(1);
        private Duration jitter = Duration.ZERO;
        private double loss;
        private Duration retransmit = Duration.ofMillis(200);
        private Duration timeLimit = Duration.ofHours(1);

        private Builder() {
        }

        /** @param seed the seed of every choice (scheduling, jitter, loss, reordering) @return this builder */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param latency the one-way delay of every link, at least zero @return this builder */
        public Builder latency(Duration latency) {
            this.latency = notNegative(latency, "latency");
            return this;
        }

        /** @param jitter the most a message is delayed beyond the latency (uniform), at least zero @return this */
        public Builder jitter(Duration jitter) {
            this.jitter = notNegative(jitter, "jitter");
            return this;
        }

        /**
         * @param probability the chance that a datagram is lost, or that a TCP segment needs one retransmission,
         *                    in [0, 1)
         * @return this builder
         */
        public Builder loss(double probability) {
            this.loss = lossChance(probability);
            return this;
        }

        /** @param delay how late a "lost" TCP segment arrives, at least zero @return this builder */
        public Builder retransmitDelay(Duration delay) {
            this.retransmit = notNegative(delay, "retransmitDelay");
            return this;
        }

        /** @param limit the simulated time after which a run fails as hung, positive @return this builder */
        public Builder timeLimit(Duration limit) {
            Objects.requireNonNull(limit, "timeLimit");
            if (limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("timeLimit : " + limit + " (expected: > 0)");
            }
            this.timeLimit = limit;
            return this;
        }

        /** @return a new simulation, with no hosts yet */
        public Simulation build() {
            return new Simulation(this);
        }
    }

    static Duration notNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " : " + d + " (expected: >= 0)");
        }
        return d;
    }

    static double lossChance(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("loss : " + p + " (expected: in [0, 1))");
        }
        return p;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hosts

    /** A simulated machine: a name, an address (10.0.0.n), its tasks and its sockets. */
    public static final class Host {
        private final Simulation sim;
        private final String name;
        private final InetAddress address;
        private final int id;
        private final Supplier<? extends Future<?>> main;
        private final boolean client;
        private boolean up = true;
        private boolean mainDone;
        private int nextPort = 49152;
        final List<AbortHandle> tasks = new ArrayList<>();
        final Map<Integer, SimNetwork.Listener> listeners = new LinkedHashMap<>();
        final Map<Integer, SimNetwork.Udp> udp = new LinkedHashMap<>();
        final List<SimNetwork.Endpoint> endpoints = new ArrayList<>();

        private Host(Simulation sim, String name, int id, Supplier<? extends Future<?>> main, boolean client) {
            this.sim = sim;
            this.name = name;
            this.id = id;
            this.main = main;
            this.client = client;
            try {
                this.address = InetAddress.getByAddress(name, new byte[]{10, 0, (byte) (id >> 8), (byte) id});
            } catch (UnknownHostException e) {
                throw new AssertionError(e); // four bytes are always a valid address
            }
        }

        /** @return the host's name, which the simulation's name service resolves */
        public String name() {
            return name;
        }

        /** @return the host's address */
        public InetAddress address() {
            return address;
        }

        /** @return whether the host runs (not crashed) */
        public boolean up() {
            return up;
        }

        int id() {
            return id;
        }

        int ephemeralPort() {
            while (listeners.containsKey(nextPort) || udp.containsKey(nextPort)) {
                nextPort++;
            }
            return nextPort++;
        }

        @Override
        public String toString() {
            return "Host[" + name + " " + address.getHostAddress() + (up ? "" : ", down") + "]";
        }

        private Simulation sim() {
            return sim;
        }
    }

    /**
     * Adds a host that runs {@code main} from the start of the simulation (and again after each
     * {@link #restart}).
     *
     * @param name its name (what {@code TcpStream.connect(name, port)} resolves)
     * @param main makes the host's main future; called inside the host, so sockets it binds are the host's
     * @return the host
     */
    public Host host(String name, Supplier<? extends Future<?>> main) {
        return add(name, main, false);
    }

    /**
     * Adds a client host: as {@link #host}, and {@link #run} returns once every client's main has completed.
     *
     * @return the host
     */
    public Host client(String name, Supplier<? extends Future<?>> main) {
        return add(name, main, true);
    }

    private Host add(String name, Supplier<? extends Future<?>> main, boolean client) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(main, "main");
        checkControl();
        if (ran) {
            throw new IllegalStateException("hosts are added before the simulation runs");
        }
        if (hosts.containsKey(name)) {
            throw new IllegalArgumentException("name : \"" + name + "\" (expected: a name no other host has)");
        }
        if (hosts.size() >= 65_000) {
            throw new IllegalStateException("a simulation has at most 65,000 hosts");
        }
        Host h = new Host(this, name, hosts.size() + 1, main, client);
        hosts.put(name, h);
        byAddress.put(h.address, h);
        return h;
    }

    Host hostNamed(String name) {
        return hosts.get(name);
    }

    Host hostAt(InetAddress address) {
        return byAddress.get(address);
    }

    private Host require(String name) {
        Host h = hosts.get(Objects.requireNonNull(name, "host"));
        if (h == null) {
            throw new IllegalArgumentException("host : \"" + name + "\" (expected: one of " + hosts.keySet() + ")");
        }
        return h;
    }

    /**
     * @return the host of the calling task
     * @throws IllegalStateException if the calling code does not run inside a host of a simulation
     */
    public static Host currentHost() {
        Host h = HOST.orElse(null);
        if (h == null) {
            throw new IllegalStateException("not inside a simulated host: start the code with Simulation.host(...) "
                    + "or Simulation.client(...)");
        }
        return h;
    }

    /**
     * @return the simulation the calling task runs in
     * @throws IllegalStateException if the calling code does not run inside a host of a simulation
     */
    public static Simulation current() {
        return currentHost().sim();
    }

    Host currentHost(String action) {
        Host h = HOST.orElse(null);
        if (h == null || h.sim != this) {
            throw new IllegalStateException("cannot " + action + " outside a simulated host: on a simulation's "
                    + "runtime, sockets belong to hosts; open them in code started by Simulation.host(...) or "
                    + "Simulation.client(...)");
        }
        return h;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Links and failures

    private record Link(Duration latency, Duration jitter, double loss) {
    }

    private static String pair(Host a, Host b) {
        return a.id < b.id ? a.name + "|" + b.name : b.name + "|" + a.name;
    }

    private static String directed(Host from, Host to) {
        return from.name + "->" + to.name;
    }

    /**
     * Sets the link between two hosts (both directions) apart from the defaults.
     *
     * @param loss in [0, 1)
     */
    public void link(String a, String b, Duration latency, Duration jitter, double loss) {
        checkControl();
        links.put(pair(require(a), require(b)), new Link(notNegative(latency, "latency"),
                notNegative(jitter, "jitter"), lossChance(loss)));
    }

    /** Cuts the link between two hosts both ways: TCP waits, datagrams are lost, until {@link #heal}. */
    public void partition(String a, String b) {
        checkControl();
        Host x = require(a);
        Host y = require(b);
        partitions.add(pair(x, y));
        trace("partition", x.id, y.id);
    }

    /** Restores the link between two hosts; what waited on it is sent. */
    public void heal(String a, String b) {
        checkControl();
        Host x = require(a);
        Host y = require(b);
        partitions.remove(pair(x, y));
        trace("heal", x.id, y.id);
        net.linkOpened(x, y, false);
        net.linkOpened(y, x, false);
    }

    /** Cuts {@code host} off from every other host (a partition with each). */
    public void isolate(String host) {
        Host h = require(host);
        for (Host o : hosts.values()) {
            if (o != h) {
                partition(h.name, o.name);
            }
        }
    }

    /** Heals every partition of {@code host}. */
    public void rejoin(String host) {
        Host h = require(host);
        for (Host o : hosts.values()) {
            if (o != h) {
                heal(h.name, o.name);
            }
        }
    }

    /** Holds everything sent from {@code from} to {@code to} (one direction) until {@link #release}. */
    public void hold(String from, String to) {
        checkControl();
        Host f = require(from);
        Host t = require(to);
        holds.add(directed(f, t));
        trace("hold", f.id, t.id);
    }

    /** Sends what was held from {@code from} to {@code to}; held datagrams go in a random (seeded) order. */
    public void release(String from, String to) {
        checkControl();
        Host f = require(from);
        Host t = require(to);
        holds.remove(directed(f, t));
        trace("release", f.id, t.id);
        net.linkOpened(f, t, true);
    }

    /**
     * Crashes a host: its tasks are aborted and its sockets vanish without a word to their peers (as on a power
     * loss). A crashed client counts as finished unless it is restarted.
     */
    public void crash(String host) {
        checkControl();
        Host h = require(host);
        if (!h.up) {
            return;
        }
        h.up = false;
        trace("crash", h.id, 0);
        for (AbortHandle t : h.tasks) {
            t.abort();
        }
        h.tasks.clear();
        net.crashed(h);
        h.mainDone = true;
        wakeTop();
    }

    /** Restarts a crashed host: its main runs again from the start, with nothing of its old state. */
    public void restart(String host) {
        checkControl();
        Host h = require(host);
        if (h.up) {
            throw new IllegalStateException("host " + host + " is up: crash it before restarting it");
        }
        h.up = true;
        trace("restart", h.id, 0);
        startHost(h);
    }

    boolean blocked(Host from, Host to) {
        return from != to && (partitions.contains(pair(from, to)) || holds.contains(directed(from, to)));
    }

    boolean held(Host from, Host to) {
        return holds.contains(directed(from, to));
    }

    long linkDelayNanos(Host from, Host to) {
        if (from == to) {
            return 10_000; // loopback: 10 µs
        }
        Link l = links.get(pair(from, to));
        Duration lat = l == null ? latency : l.latency;
        Duration jit = l == null ? jitter : l.jitter;
        long j = jit.isZero() ? 0 : netRng.nextLong(jit.toNanos() + 1);
        return lat.toNanos() + j;
    }

    boolean lose(Host from, Host to) {
        if (from == to) {
            return false;
        }
        Link l = links.get(pair(from, to));
        double p = l == null ? loss : l.loss;
        return p > 0 && netRng.nextDouble() < p;
    }

    long retransmitNanos() {
        return retransmit.toNanos();
    }

    <T> void shuffle(List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = netRng.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Time and trace

    Clock clock() {
        return clock;
    }

    long nowNanos() {
        return clock == null ? 0 : Duration.between(start, clock.now()).toNanos();
    }

    Instant instantOf(long nanos) {
        return start.plusNanos(nanos);
    }

    /** @return simulated time since the run started */
    public Duration elapsed() {
        return Duration.ofNanos(nowNanos());
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    void trace(String kind, long a, long b) {
        trace.record(nowNanos(), kind, a, b);
    }

    private void checkControl() {
        if (thread != null && Thread.currentThread() != thread) {
            throw new IllegalStateException("a running simulation is controlled from its own tasks only (thread "
                    + thread.getName() + ")");
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Running

    /**
     * What a run did.
     *
     * @param seed        its seed
     * @param elapsed     simulated time from start to the last client's completion
     * @param traceHash   a hash of every poll and network event in order (equal for two runs of one seed)
     * @param traceEvents how many events were traced
     * @param traceTail   the last traced events, readable
     */
    public record Result(long seed, Duration elapsed, long traceHash, long traceEvents, List<String> traceTail) {
    }

    /**
     * Runs the simulation to the end: until every client's main completed.
     *
     * @return what the run did
     * @throws SimulationFailure if a client's or host's main failed, or the time limit passed (the failure names the
     *                           seed that reproduces it)
     * @throws IllegalStateException if this simulation ran already (build a new one with the same seed)
     */
    public Result run() {
        if (ran) {
            throw new IllegalStateException("a Simulation runs once: build a new one with the same seed to rerun it");
        }
        if (hosts.values().stream().noneMatch(h -> h.client)) {
            throw new IllegalStateException("a simulation needs at least one client (Simulation.client): the run "
                    + "ends when every client's main has completed");
        }
        ran = true;
        thread = Thread.currentThread();
        try (AsyncRuntime rt = SimRuntimes.build(new SimConfig(seed, net, new Hook(), "cortado-sim"))) {
            clock = rt.handle().clock();
            start = clock.now();
            rt.blockOn(new Top());
        } catch (SimulationFailure f) {
            throw f;
        } catch (RuntimeException | Error e) {
            throw failure("the simulation failed", e);
        } finally {
            thread = null;
        }
        return new Result(seed, elapsed(), trace.hash(), trace.count(), trace.tail());
    }

    SimulationFailure failure(String what, Throwable cause) {
        return new SimulationFailure(seed, what + " at t=" + elapsed().toNanos() / 1e6 + " ms", cause, trace.hash(),
                trace.count(), trace.tail());
    }

    private void startHost(Host h) {
        h.mainDone = false;
        JoinHandle<?> main = HOST.callWith(h, () -> Task.spawn(new Main<>(h, h.main.get())));
        Objects.requireNonNull(main, "main");
    }

    private void wakeTop() {
        Waker w = top;
        if (w != null) {
            top = null;
            w.wake();
        }
    }

    /** Watches a host's main: its completion (clients) and its failure (everyone). */
    private final class Main<T> implements Future<T> {
        private final Host host;
        private final Future<T> inner;

        Main(Host host, Future<T> inner) {
            this.host = host;
            this.inner = Objects.requireNonNull(inner, "the main future of " + host.name);
        }

        @Override
        public Poll<T> poll(Context cx) {
            Poll<T> p;
            try {
                p = inner.poll(cx);
            } catch (RuntimeException | Error e) {
                if (hostFailure == null) {
                    hostFailure = failure("the main future of host " + host.name + " failed", e);
                }
                wakeTop();
                throw e;
            }
            if (p.isReady()) {
                host.mainDone = true;
                wakeTop();
            }
            return p;
        }

        @Override
        public void cancel() {
            inner.cancel();
        }
    }

    /** Keeps every spawned task in its host and traces every poll. */
    private final class Hook implements SpawnHook {
        @Override
        public String name(Future<?> future) {
            Host h = HOST.orElse(null);
            String what = future instanceof Main<?> m ? "main of " + m.host.name : future.getClass().getName();
            return h == null ? what : h.name + ": " + what;
        }

        @Override
        public <T> Future<T> wrap(Future<T> future) {
            Host h = HOST.orElse(null);
            spawningHost = h;
            long id = ++taskSeq;
            Future<T> inner = h == null ? future : HOST.scope(h, future);
            return new Future<>() {
                @Override
                public Poll<T> poll(Context cx) {
                    trace("poll", id, h == null ? 0 : h.id);
                    return inner.poll(cx);
                }

                @Override
                public void cancel() {
                    inner.cancel();
                }
            };
        }

        @Override
        public void spawned(JoinHandle<?> task) {
            Host h = spawningHost;
            spawningHost = null;
            if (h != null) {
                if (h.tasks.size() >= 64 && h.tasks.size() % 64 == 0) {
                    h.tasks.removeIf(AbortHandle::isFinished); // keep the list to the tasks still alive
                }
                h.tasks.add(task.abortHandle());
            }
        }
    }

    /** The run: starts the network and the hosts, then waits for the clients, a failure or the time limit. */
    private final class Top implements Future<Void> {
        private boolean started;
        private Sleep limit;

        @Override
        public Poll<Void> poll(Context cx) {
            if (!started) {
                started = true;
                Task.spawn(net.driver());
                for (Host h : hosts.values()) {
                    startHost(h);
                }
                limit = Sleep.until(clock, start.plus(timeLimit));
            }
            if (hostFailure != null) {
                throw hostFailure;
            }
            boolean done = true;
            for (Host h : hosts.values()) {
                if (h.client && !h.mainDone) {
                    done = false;
                    break;
                }
            }
            if (done) {
                limit.cancel();
                return Poll.ready(null);
            }
            top = cx.waker();
            if (limit.poll(cx).isReady()) {
                List<String> running = hosts.values().stream().filter(h -> h.client && !h.mainDone)
                        .map(Host::name).toList();
                throw failure("the time limit of " + timeLimit + " (simulated) passed with clients " + running
                        + " still running; the last event was at t=" + trace.lastNanos() / 1e6 + " ms (nothing "
                        + "happened after it: if that is long before the limit, every task waits on something "
                        + "that never comes); task dump:\n" + io.cortado.Handle.current().dump(), null);
            }
            return Poll.pending();
        }

        @Override
        public void cancel() {
            if (limit != null) {
                limit.cancel();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Determinism

    /**
     * Runs {@code scenario(seed)} twice and checks that both runs did the same: the same outcome (success, or the
     * same failure) and the same trace of polls and network events.
     *
     * @return the first run's result (or, if both failed alike, {@code null})
     * @throws AssertionError if the two runs differ (with both traces' tails)
     */
    public static Result checkDeterministic(long seed, LongFunction<Simulation> scenario) {
        Objects.requireNonNull(scenario, "scenario");
        Object first = runCapturing(scenario.apply(seed));
        Object second = runCapturing(scenario.apply(seed));
        long[] a = fingerprint(first);
        long[] b = fingerprint(second);
        if (a[0] != b[0] || a[1] != b[1] || !outcome(first).equals(outcome(second))) {
            throw new AssertionError("seed " + seed + " is not deterministic: run 1 " + outcome(first) + " ("
                    + a[1] + " events, hash " + Long.toHexString(a[0]) + "), run 2 " + outcome(second) + " (" + b[1]
                    + " events, hash " + Long.toHexString(b[0]) + ")\nrun 1 ends:\n  " + String.join("\n  ",
                    tail(first)) + "\nrun 2 ends:\n  " + String.join("\n  ", tail(second)));
        }
        return first instanceof Result r ? r : null;
    }

    private static Object runCapturing(Simulation sim) {
        try {
            return sim.run();
        } catch (SimulationFailure f) {
            return f;
        }
    }

    private static long[] fingerprint(Object o) {
        return o instanceof Result r ? new long[]{r.traceHash(), r.traceEvents()}
                : new long[]{((SimulationFailure) o).traceHash(), ((SimulationFailure) o).traceEvents()};
    }

    private static List<String> tail(Object o) {
        return o instanceof Result r ? r.traceTail() : ((SimulationFailure) o).traceTail();
    }

    private static String outcome(Object o) {
        if (o instanceof Result) {
            return "passed";
        }
        Throwable c = ((SimulationFailure) o).getCause();
        return "failed (" + (c == null ? ((SimulationFailure) o).getMessage() : String.valueOf(c)) + ")";
    }
}
