package io.cortado.test;

import io.cortado.Future;
import io.cortado.Futures;
import io.cortado.JoinHandle;
import io.cortado.Task;
import io.cortado.net.TcpListener;
import io.cortado.net.TcpStream;
import io.cortado.sync.Oneshot;
import io.cortado.time.Clock;
import io.cortado.time.Sleep;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documentation's examples as real tests: Surefire hands this class to every engine, and the Cortado engine
 * runs its {@code @CortadoTest} methods with every leak check on (Jupiter finds nothing to run here).
 */
class ExamplesTest {

    /** From {@link CortadoTest}'s class comment. */
    @CortadoTest(startPaused = true)
    Future<Void> deliversAfterAnHour() {
        Oneshot.Channel<String> ch = Oneshot.channel();
        Task.spawn(Sleep.sleep(Duration.ofHours(1)).map(v -> ch.sender().send("late")));
        return ch.receiver().map(msg -> {
            assertEquals("late", msg);
            return null;
        });
    }

    /** From the package documentation. */
    @CortadoTest(startPaused = true)
    Future<Void> firesAfterAnHour(Clock clock) {
        Instant start = clock.now();
        return Sleep.sleep(Duration.ofHours(1)).map(v -> {
            assertTrue(Duration.between(start, clock.now()).compareTo(Duration.ofHours(1)) >= 0);
            return null;
        });
    }

    /** From the package documentation. */
    @CortadoTest(flavor = CortadoTest.Flavor.MULTI_THREAD, workers = 4, timeoutSeconds = 10)
    Future<Void> fansOut() {
        List<JoinHandle<Integer>> parts = IntStream.range(0, 100)
                .mapToObj(i -> Task.spawn(Futures.lazy(() -> i))).toList();
        return Futures.joinAll(parts).map(values -> {
            assertEquals(IntStream.range(0, 100).boxed().toList(), values, "every part's value, in spawn order");
            assertEquals(99 * 100 / 2, values.stream().mapToInt(Integer::intValue).sum());
            return null;
        });
    }

    /** From {@link AsyncAssertions}' class comment: on a paused clock the limit costs no real time. */
    @CortadoTest(startPaused = true)
    Future<Void> answersInTime(Clock clock) {
        Instant start = clock.now();
        return AsyncAssertions.assertCompletesWithin(Duration.ofSeconds(5),
                Sleep.sleep(Duration.ofSeconds(3)).map(v -> "answer")).map(answer -> {
                    assertEquals("answer", answer, "the answer of the future it limits");
                    Duration took = Duration.between(start, clock.now());
                    assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0 && took.compareTo(Duration.ofSeconds(5)) < 0,
                            "completes when the sleep does, before the limit: " + took);
                    return null;
                });
    }

    /** Sockets on both flavours: the runtime's selector and the connection's descriptors are all gone after. */
    @CortadoTest(flavor = CortadoTest.Flavor.MULTI_THREAD)
    Future<Void> echoesOverLoopbackOnWorkers() {
        return echo();
    }

    @CortadoTest
    Future<Void> echoesOverLoopback() {
        return echo();
    }

    private static Future<Void> echo() {
        TcpListener listener = TcpListener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        JoinHandle<Void> server = Task.spawn(listener.accept().then(conn -> {
            ByteBuffer buf = ByteBuffer.allocate(5);
            return conn.readExact(buf).then(v -> conn.writeAll(buf.flip())).map(v -> {
                conn.close();
                return null;
            });
        }));
        return TcpStream.connect(listener.localAddress()).then(client ->
                client.writeAll(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII))).then(v -> {
                    ByteBuffer back = ByteBuffer.allocate(5);
                    return client.readExact(back).map(w -> {
                        assertEquals("hello", new String(back.array(), StandardCharsets.US_ASCII));
                        client.close();
                        return null;
                    });
                })).then(v -> server).map(v -> {
                    listener.close();
                    return null;
                });
    }

    /** From {@link TestWaker}'s class comment; an ordinary Jupiter test next to the engine's ones. */
    @org.junit.jupiter.api.Test
    void pendingUntilSent() {
        Oneshot.Channel<String> ch = Oneshot.channel();
        TestWaker waker = AsyncAssertions.assertPending(ch.receiver(), 1);
        ch.sender().send("hi");
        assertEquals(1, waker.wakes());
        assertEquals("hi", AsyncAssertions.assertReady(ch.receiver()));
    }
}
