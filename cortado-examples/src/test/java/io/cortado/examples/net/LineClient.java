package io.cortado.examples.net;

import io.cortado.AsyncRuntime;
import io.cortado.io.Framed;
import io.cortado.io.LinesCodec;
import io.cortado.net.TcpStream;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A line-protocol client for the tests: each call drives one step to completion with {@code blockOn}. */
final class LineClient implements AutoCloseable {
    private final AsyncRuntime rt;
    private final TcpStream socket;
    private final Framed<String, TcpStream> lines;

    LineClient(AsyncRuntime rt, InetSocketAddress server) {
        this.rt = rt;
        this.socket = rt.blockOn(TcpStream.connect(server));
        this.lines = Framed.of(socket, new LinesCodec(1 << 20));
    }

    void send(String line) {
        rt.blockOn(lines.send(line));
    }

    /** Writes raw text (several lines at once, or a line without its end). */
    void sendRaw(String text) {
        rt.blockOn(socket.writeAll(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))));
    }

    /** @return the next line, or {@code null} when the server closed the connection */
    String read() {
        return rt.blockOn(lines.next());
    }

    /** Sends a request line and returns the answer line. */
    String ask(String line) {
        send(line);
        return read();
    }

    @Override
    public void close() {
        socket.close();
    }
}
