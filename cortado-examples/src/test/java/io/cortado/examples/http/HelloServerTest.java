package io.cortado.examples.http;

import io.cortado.AsyncRuntime;
import io.cortado.examples.LeakCheck;
import io.cortado.http.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HelloServer} on loopback: the TechEmpower plaintext and JSON answers, pipelined on one connection. */
class HelloServerTest extends LeakCheck {

    /** @return one response's head and body (Content-Length framed), with the Date value replaced by {@code D} */
    static String read(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "the connection ended in a head: " + head);
            head.append((char) b);
        }
        String h = head.toString();
        int at = h.indexOf("Content-Length: ");
        int len = Integer.parseInt(h.substring(at + 16, h.indexOf('\r', at)));
        String imfFixdate = "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";
        assertTrue(h.matches("(?s).*\r\nDate: " + imfFixdate + "\r\n.*"), h);
        return h.replaceAll("Date: [^\r]*", "Date: D") + new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }

    @Test
    void answersPlaintextAndJsonWithServerAndDate() throws IOException {
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(1).build();
             HttpServer server = HelloServer.start(rt.handle(),
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localAddress().getPort())) {
            String plain = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";
            s.getOutputStream().write((plain + plain + "GET /json HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String expectedPlain = "HTTP/1.1 200 OK\r\nServer: cortado\r\nDate: D\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 13\r\n\r\nHello, World!";
            assertEquals(expectedPlain, read(s.getInputStream()));
            assertEquals(expectedPlain, read(s.getInputStream()));
            assertEquals("HTTP/1.1 200 OK\r\nServer: cortado\r\nDate: D\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 27\r\n\r\n{\"message\":\"Hello, World!\"}", read(s.getInputStream()));
            assertTrue(read(s.getInputStream()).startsWith("HTTP/1.1 404 Not Found\r\n"));
        }
    }
}
