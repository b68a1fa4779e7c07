package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.examples.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.cortado.examples.net.EchoServerTest.LOOPBACK;
import static io.cortado.examples.net.EchoServerTest.runtime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@link KvServer}: the protocol's round trips, errors, a shared store, pipelining and the line limit. */
class KvServerTest extends LeakCheck {

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void setGetDelRoundTrips(String flavor) {
        try (AsyncRuntime rt = runtime(flavor); Server server = KvServer.start(rt.handle(), LOOPBACK);
             LineClient c = new LineClient(rt, server.localAddress());
             LineClient other = new LineClient(rt, server.localAddress())) {
            assertEquals("NIL", c.ask("GET a"));
            assertEquals("OK", c.ask("SET a 1"));
            assertEquals("1", c.ask("GET a"));
            assertEquals("OK", c.ask("SET greeting hello,  wide world "));
            assertEquals("hello,  wide world", c.ask("get greeting"), "the value is the rest of the line, stripped");
            assertEquals("1", other.ask("GET a"), "one store behind every connection");
            assertEquals("OK", other.ask("SET a 2"));
            assertEquals("2", c.ask("GET a"));
            assertEquals("1", c.ask("DEL a"));
            assertEquals("0", c.ask("DEL a"));
            assertEquals("NIL", other.ask("GET a"));
        }
    }

    @Test
    void badCommandsGetErrAndTheConnectionGoesOn() {
        try (AsyncRuntime rt = runtime("multi"); Server server = KvServer.start(rt.handle(), LOOPBACK);
             LineClient c = new LineClient(rt, server.localAddress())) {
            assertEquals("ERR unknown command 'INCR'", c.ask("INCR a"));
            assertEquals("ERR usage: GET key", c.ask("GET"));
            assertEquals("ERR usage: GET key", c.ask("GET a b"));
            assertEquals("ERR usage: SET key value", c.ask("SET a"));
            assertEquals("ERR usage: DEL key", c.ask("DEL"));
            assertEquals("ERR empty command", c.ask(""));
            assertEquals("OK", c.ask("SET a b"));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        try (AsyncRuntime rt = runtime("multi"); Server server = KvServer.start(rt.handle(), LOOPBACK);
             LineClient c = new LineClient(rt, server.localAddress())) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                batch.append("SET k").append(i).append(' ').append(i).append('\n');
                batch.append("GET k").append(i).append('\n');
            }
            c.sendRaw(batch.toString()); // a thousand requests in one write
            for (int i = 0; i < 500; i++) {
                assertEquals("OK", c.read());
                assertEquals(String.valueOf(i), c.read());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void aLineOverTheLimitGetsAnErrorAndIsDisconnected(String flavor) {
        try (AsyncRuntime rt = runtime(flavor); Server server = KvServer.start(rt.handle(), LOOPBACK, 64);
             LineClient hostile = new LineClient(rt, server.localAddress());
             LineClient polite = new LineClient(rt, server.localAddress())) {
            assertEquals("OK", hostile.ask("SET " + "k".repeat(30) + " " + "v".repeat(29))); // 64 bytes: fits
            hostile.sendRaw("SET k " + "x".repeat(200)); // no line end: the server must not wait for one
            assertEquals("ERR line too long", hostile.read());
            assertNull(hostile.read(), "then the server hangs up");
            assertEquals("v".repeat(29), polite.ask("GET " + "k".repeat(30)), "the others are served on");
        }
    }
}
