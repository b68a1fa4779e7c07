package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.examples.LeakCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.cortado.examples.net.EchoServerTest.LOOPBACK;
import static io.cortado.examples.net.EchoServerTest.runtime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ChatServer}: three real clients see each other's lines, joins and leaves; a slow one is told it lagged. */
class ChatServerTest extends LeakCheck {

    /** Connects and sends the nickname; the welcome line proves the client's writer is subscribed. */
    private static LineClient join(AsyncRuntime rt, Server server, String name) {
        LineClient c = new LineClient(rt, server.localAddress());
        c.send(name);
        assertEquals("welcome, " + name, c.read());
        return c;
    }

    @ParameterizedTest
    @ValueSource(strings = {"current", "multi"})
    void threeClientsSeeEachOthersLinesButNotTheirOwnAndTheLeave(String flavor) {
        try (AsyncRuntime rt = runtime(flavor); Server server = ChatServer.start(rt.handle(), LOOPBACK);
             LineClient alice = join(rt, server, "alice");
             LineClient bob = join(rt, server, "bob")) {
            assertEquals("* bob joined", alice.read());
            try (LineClient carol = join(rt, server, "carol")) {
                assertEquals("* carol joined", alice.read());
                assertEquals("* carol joined", bob.read());

                alice.send("hello all");
                assertEquals("alice: hello all", bob.read());
                assertEquals("alice: hello all", carol.read());
                bob.send("hi alice");
                // alice's next line is bob's: her own line was not sent back to her
                assertEquals("bob: hi alice", alice.read());
                assertEquals("bob: hi alice", carol.read());
            }
            assertEquals("* carol left", alice.read());
            assertEquals("* carol left", bob.read());
        }
    }

    /**
     * Runs on the current-thread runtime, where it is deterministic: bob's 100 lines arrive in one read, so his
     * reader task sends all of them into the channel (capacity 8) in one poll, before alice's writer task runs.
     */
    @Test
    void aClientThatFallsBehindIsToldHowManyMessagesItMissed() {
        try (AsyncRuntime rt = runtime("current"); Server server = ChatServer.start(rt.handle(), LOOPBACK, 8);
             LineClient alice = join(rt, server, "alice");
             LineClient bob = join(rt, server, "bob")) {
            assertEquals("* bob joined", alice.read());
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                burst.append("m").append(i).append('\n');
            }
            bob.sendRaw(burst.toString());

            long missed = 0;
            List<String> shown = new ArrayList<>();
            Pattern lag = Pattern.compile("\\* you missed (\\d+) messages");
            for (String line = alice.read(); ; line = alice.read()) {
                Matcher m = lag.matcher(line);
                if (m.matches()) {
                    missed += Long.parseLong(m.group(1));
                } else {
                    shown.add(line);
                }
                if (line.equals("bob: m99")) {
                    break;
                }
            }
            assertTrue(missed > 0, "alice lagged");
            assertEquals(100, missed + shown.size(), "every message was either shown or counted as missed: " + shown);
            for (int i = 0; i < shown.size(); i++) { // what she got is the newest part, in order
                assertEquals("bob: m" + (100 - shown.size() + i), shown.get(i));
            }
            bob.send("still here?");
            assertEquals("bob: still here?", alice.read(), "a lagged client carries on");
        }
    }

    @Test
    void closingTheServerEndsEveryConnection() {
        try (AsyncRuntime rt = runtime("multi")) {
            Server server = ChatServer.start(rt.handle(), LOOPBACK);
            try (LineClient alice = join(rt, server, "alice")) {
                server.close();
                assertNull(alice.read());
            }
        }
    }
}
