package io.cortado.examples.http;

import io.cortado.AsyncRuntime;
import io.cortado.examples.LeakCheck;
import io.cortado.http.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link WsChat} with two JDK WebSocket clients: welcome, join, messages to the others only, leave. */
class WsChatTest extends LeakCheck {

    /** What one client receives, a line each. */
    static final class Inbox implements WebSocket.Listener {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                lines.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String line = lines.poll(20, TimeUnit.SECONDS);
            assertNotNull(line, "nothing received");
            return line;
        }
    }

    @Test
    void twoClientsChat() throws Exception {
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(2).build();
             HttpServer server = WsChat.start(rt.handle(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             HttpClient http = HttpClient.newHttpClient()) {
            String base = "ws://127.0.0.1:" + server.localAddress().getPort() + "/chat?name=";
            Inbox alice = new Inbox();
            WebSocket a = http.newWebSocketBuilder().buildAsync(URI.create(base + "alice"), alice)
                    .get(20, TimeUnit.SECONDS);
            assertEquals("welcome, alice", alice.next());
            Inbox bob = new Inbox();
            WebSocket b = http.newWebSocketBuilder().buildAsync(URI.create(base + "bob"), bob)
                    .get(20, TimeUnit.SECONDS);
            assertEquals("welcome, bob", bob.next());
            assertEquals("* bob joined", alice.next());
            a.sendText("hi bob", true).get(20, TimeUnit.SECONDS);
            assertEquals("alice: hi bob", bob.next());
            b.sendText("hi ", false).get(20, TimeUnit.SECONDS);
            b.sendText("alice", true).get(20, TimeUnit.SECONDS);
            assertEquals("bob: hi alice", alice.next());
            b.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(20, TimeUnit.SECONDS);
            assertEquals("* bob left", alice.next());
            a.sendText("anyone?", true).get(20, TimeUnit.SECONDS);
            a.sendClose(WebSocket.NORMAL_CLOSURE, "").get(20, TimeUnit.SECONDS);
            // neither saw its own messages
            assertEquals(0, alice.lines.size(), alice.lines.toString());
            assertEquals(0, bob.lines.size(), bob.lines.toString());
            ExecutionException e = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                    .buildAsync(URI.create(base.replace("?name=", "")), new Inbox()).get(20, TimeUnit.SECONDS));
            assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
            assertEquals(400, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }
    }
}
