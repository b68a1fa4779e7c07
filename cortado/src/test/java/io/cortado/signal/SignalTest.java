package io.cortado.signal;

import io.cortado.AsyncRuntime;
import io.cortado.Context;
import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.Waker;
import io.cortado.process.Command;
import io.cortado.process.ExitStatus;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Signal} end to end: the test JVM sends signals to itself with {@code kill -SIG <pid>} (a child process) and
 * awaits them. <b>Note:</b> this replaces the default action of USR1, HUP and INT in the test JVM for the rest of its
 * life (Ctrl-C no longer ends it; the build tool stops its forks by other means).
 */
class SignalTest extends RuntimeTestBase {
    private static final String PID = Long.toString(ProcessHandle.current().pid());

    private static AsyncRuntime multi() {
        return AsyncRuntime.builder().multiThread().workerThreads(2).build();
    }

    /** Sends {@code sig} to this JVM; completes once {@code kill} has sent it. */
    private static Future<ExitStatus> send(String sig) {
        return new Command("kill").args("-" + sig, PID).status();
    }

    /** {@code f} with a 10 s limit, made when polled (a timeout needs the runtime's clock). */
    private static <T> Future<T> within10s(Future<T> f) {
        return Futures.lazy(() -> Duration.ofSeconds(10)).then(f::timeout);
    }

    @Test
    void usr1IsAwaitedAndDeliveriesBetweenAwaitsAreCounted() {
        try (AsyncRuntime rt = multi(); Signal usr1 = Signal.of(SignalKind.USR1)) {
            assertEquals(SignalKind.USR1, usr1.kind());
            var waiting = rt.spawn(usr1.recv()); // a task on a worker, woken from the JVM's handler thread
            assertTrue(rt.blockOn(send("USR1")).success());
            rt.blockOn(within10s(waiting));

            // two deliveries while nobody awaits: both are kept
            rt.blockOn(send("USR1"));
            awaitCondition(() -> usr1.pending() == 1, "the first delivery is counted");
            rt.blockOn(send("USR1"));
            awaitCondition(() -> usr1.pending() == 2, "the second delivery is counted");
            rt.blockOn(usr1.recv());
            rt.blockOn(usr1.recv());
            assertEquals(0, usr1.pending());
            assertFalse(usr1.recv().poll(Context.of(Waker.noop())).isReady(), "no third delivery");
        }
    }

    @Test
    void everyListenerSeesEachDeliveryAsAStream() {
        try (AsyncRuntime rt = AsyncRuntime.builder().currentThread().build()) {
            Signal a = Signal.of("SIGHUP");
            Signal b = Signal.of("hup");
            rt.blockOn(send("HUP"));
            assertEquals(SignalKind.HUP, rt.blockOn(within10s(a.next())));
            assertEquals(SignalKind.HUP, rt.blockOn(within10s(b.next())));
            a.close();
            a.close(); // idempotent
            assertThrows(IllegalStateException.class, () -> rt.blockOn(a.next()));
            rt.blockOn(send("HUP"));
            assertEquals(SignalKind.HUP, rt.blockOn(within10s(b.next())), "the other listener still hears it");
            b.cancel();
            assertEquals("Signal[SIGHUP, closed]", b.toString());
        }
    }

    @Test
    void ctrlCCompletesAtTheNextSigint() {
        try (AsyncRuntime rt = multi()) {
            // join polls ctrlC() first (it starts listening), then sends SIGINT
            rt.blockOn(within10s(Futures.join(Signal.ctrlC(), Futures.lazy(() -> "INT").then(SignalTest::send))));
            Future<Void> cancelled = Signal.ctrlC();
            assertFalse(cancelled.poll(Context.of(Waker.noop())).isReady());
            cancelled.cancel();
        }
    }

    @Test
    void reservedUnknownAndMalformedSignalsAreRefused() {
        IllegalArgumentException usr2 = assertThrows(IllegalArgumentException.class,
                () -> Signal.of(SignalKind.USR2));
        assertTrue(usr2.getMessage().startsWith("signal : SIGUSR2 (expected: "), usr2.getMessage());
        assertTrue(usr2.getMessage().contains("HotSpot suspends and resumes threads with it"), usr2.getMessage());
        for (String name : new String[]{"QUIT", "KILL", "STOP", "SEGV", "BUS"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Signal.of(name));
            assertTrue(e.getMessage().contains("SIG" + name + " cannot be listened for"), e.getMessage());
        }
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Signal.of("NOSUCHSIGNAL"));
        assertTrue(unknown.getMessage().contains("Unknown signal"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SignalKind(""));
        assertThrows(IllegalArgumentException.class, () -> new SignalKind("SIG"));
        assertThrows(IllegalArgumentException.class, () -> new SignalKind("H-P"));
        assertThrows(NullPointerException.class, () -> Signal.of((SignalKind) null));
        assertEquals(SignalKind.TERM, new SignalKind(" sigterm "));
        assertEquals("SIGWINCH", new SignalKind("winch").toString());
    }
}
