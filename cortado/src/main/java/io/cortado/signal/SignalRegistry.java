package io.cortado.signal;

import io.cortado.Waker;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process-wide side of signals: one {@link Slot} per signal, installed once with {@code sun.misc.Signal} and
 * never uninstalled (a signal's disposition belongs to the process, and Tokio does the same).
 *
 * <h2>Rules</h2>
 * <ol>
 *   <li>A slot counts deliveries in an {@link AtomicLong}. The JVM runs the handler on a thread of its own per
 *       delivery; the handler increments the count, then wakes every listener's latest waker.</li>
 *   <li>A listener remembers how many deliveries it has taken ({@code seen}); it has one ready item per delivery
 *       counted after it was created, so deliveries between two awaits are not lost. (The operating system itself
 *       merges a signal sent again while the first one is still pending; what the JVM sees is counted.)</li>
 *   <li>No lost wake-up: a listener writes its waker (volatile) before it reads the count again, and the handler
 *       increments the count before it reads the wakers (a Dekker pair of volatile accesses), so either the
 *       listener sees the new count or the handler sees the waker.</li>
 *   <li>Installing is serialised ({@code synchronized}); a signal the JVM or HotSpot reserves, or that the process
 *       ignores, is refused with an {@link IllegalArgumentException} before anything is installed.</li>
 * </ol>
 * Guarded by {@code SignalTest}.
 */
final class SignalRegistry {
    private static final Map<String, Slot> SLOTS = new ConcurrentHashMap<>();

    /** Signals the JVM uses itself, with the reason given in the exception. */
    private static final Map<String, String> RESERVED = Map.of(
            "QUIT", "the JVM prints a thread dump on it",
            "USR2", "HotSpot suspends and resumes threads with it",
            "BUS", "the JVM turns it into errors on memory-mapped files",
            "SEGV", "the JVM handles it internally",
            "ILL", "the JVM handles it internally",
            "FPE", "the JVM handles it internally",
            "KILL", "no process can catch it",
            "STOP", "no process can catch it");

    private SignalRegistry() {
    }

    /** One signal: its delivery count and its listeners. */
    static final class Slot {
        final SignalKind kind;
        final AtomicLong delivered = new AtomicLong();
        final CopyOnWriteArrayList<Signal> listeners = new CopyOnWriteArrayList<>();

        Slot(SignalKind kind) {
            this.kind = kind;
        }

        /** Rule 1: runs on the JVM's handler thread. */
        void deliver() {
            delivered.incrementAndGet();
            for (Signal l : listeners) {
                Waker w = l.waker;
                if (w != null) {
                    w.wake();
                }
            }
        }
    }

    /**
     * @return the slot of {@code kind}, installing its handler on first use (rule 4)
     * @throws IllegalArgumentException if the signal is reserved, unknown or ignored
     */
    static Slot slot(SignalKind kind) {
        Slot s = SLOTS.get(kind.name());
        return s != null ? s : install(kind);
    }

    private static synchronized Slot install(SignalKind kind) {
        Slot s = SLOTS.get(kind.name());
        if (s != null) {
            return s;
        }
        String reason = RESERVED.get(kind.name());
        if (reason != null) {
            throw refused(kind, "reserved: " + reason);
        }
        Slot slot = new Slot(kind);
        Object sig;
        Object previous;
        try {
            sig = SunMisc.signal(kind.name());
            previous = SunMisc.handle(sig, slot::deliver);
        } catch (IllegalArgumentException e) { // "Unknown signal" or "Signal already used by VM or OS"
            throw refused(kind, e.getMessage());
        } catch (UnsupportedOperationException e) {
            throw refused(kind, "signals are not supported here: " + e.getMessage());
        }
        if (previous == SunMisc.SIG_IGN
                && (kind.equals(SignalKind.HUP) || kind.equals(SignalKind.INT) || kind.equals(SignalKind.TERM))) {
            // The JVM leaves a shutdown signal that the process ignores (nohup, a background job) ignored.
            SunMisc.restore(sig, previous);
            throw refused(kind, "this process ignores it (started with nohup, or in the background?) and the JVM"
                    + " keeps it ignored");
        }
        SLOTS.put(kind.name(), slot);
        return slot;
    }

    /**
     * {@code sun.misc.Signal} and {@code sun.misc.SignalHandler} (module {@code jdk.unsupported}), reached through
     * method handles: naming them in source makes javac warn "internal proprietary API" (a warning no annotation
     * suppresses, and the build treats warnings as errors). The handler is a {@link Proxy} of
     * {@code SignalHandler} whose only method, {@code handle(Signal)}, runs the delivery.
     */
    private static final class SunMisc {
        private static final Class<?> SIGNAL;
        private static final Class<?> HANDLER;
        private static final MethodHandle NEW_SIGNAL;
        private static final MethodHandle HANDLE;
        static final Object SIG_IGN;

        static {
            try {
                SIGNAL = Class.forName("sun.misc.Signal");
                HANDLER = Class.forName("sun.misc.SignalHandler");
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                NEW_SIGNAL = lookup.findConstructor(SIGNAL, MethodType.methodType(void.class, String.class));
                HANDLE = lookup.findStatic(SIGNAL, "handle", MethodType.methodType(HANDLER, SIGNAL, HANDLER));
                SIG_IGN = HANDLER.getField("SIG_IGN").get(null);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private SunMisc() {
        }

        /** {@code new sun.misc.Signal(name)}. */
        static Object signal(String name) {
            try {
                return NEW_SIGNAL.invoke(name);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** {@code sun.misc.Signal.handle(sig, handler)} with a handler that runs {@code onDelivery}. */
        static Object handle(Object sig, Runnable onDelivery) {
            Object handler = Proxy.newProxyInstance(HANDLER.getClassLoader(), new Class<?>[]{HANDLER},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            onDelivery.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "CortadoSignalHandler";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            return restore(sig, handler);
        }

        /** {@code sun.misc.Signal.handle(sig, handler)} with a handler it returned earlier. */
        static Object restore(Object sig, Object handler) {
            try {
                return HANDLE.invoke(sig, handler);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
    }

    private static IllegalArgumentException refused(SignalKind kind, String why) {
        return new IllegalArgumentException("signal : " + kind + " (expected: a signal the JVM lets Java handle, such"
                + " as HUP, INT, TERM, USR1, ALRM, CHLD, PIPE or WINCH; " + kind + " cannot be listened for: " + why
                + ")");
    }
}
