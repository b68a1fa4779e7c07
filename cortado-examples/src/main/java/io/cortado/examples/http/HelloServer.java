package io.cortado.examples.http;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.Handle;
import io.cortado.http.HttpServer;
import io.cortado.http.Response;
import io.cortado.http.Router;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The TechEmpower "plaintext" and "json" tests on {@link HttpServer}: {@code GET /plaintext} answers
 * {@code Hello, World!} as {@code text/plain}, {@code GET /json} answers {@code {"message":"Hello, World!"}}; every
 * response has the {@code Server} and {@code Date} headers (the server adds them).
 *
 * <pre>{@code
 * java --module-path <cortado, cortado-http and examples classes> \
 *      --module io.cortado.examples/io.cortado.examples.http.HelloServer [port]
 * curl http://127.0.0.1:8080/plaintext
 * }</pre>
 *
 * <p>One worker thread per CPU the JVM sees, so one worker when it sees one. The plaintext response is built once
 * and returned for every request (a {@link Response} with a byte body may be shared); the JSON one is made per
 * request, as the benchmark's rules ask.
 */
public final class HelloServer {
    private static final String MESSAGE = "Hello, World!";

    private HelloServer() {
    }

    /** @return the two routes */
    public static Router router() {
        Response plaintext = Response.of(200).header("Content-Type", "text/plain")
                .body(MESSAGE.getBytes(StandardCharsets.US_ASCII));
        return Router.builder()
                .get("/plaintext", request -> Futures.ready(plaintext))
                .get("/json", request -> Futures.ready(Response.json("{\"message\":\"" + MESSAGE + "\"}")))
                .build();
    }

    /**
     * Starts the server on {@code handle}'s runtime.
     *
     * @param address where to listen (port 0 picks a free port; see {@link HttpServer#localAddress()})
     * @return the running server; close it to stop
     */
    public static HttpServer start(Handle handle, InetSocketAddress address) {
        return HttpServer.builder(router()).start(handle, address);
    }

    /** @param args {@code [port]}: the port to listen on, on every interface (default 8080; 0 picks a free one) */
    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        int workers = Runtime.getRuntime().availableProcessors();
        try (AsyncRuntime rt = AsyncRuntime.builder().workerThreads(workers).build();
             HttpServer server = start(rt.handle(), new InetSocketAddress(port))) {
            System.out.println("listening on " + server.localAddress());
            rt.blockOn(Futures.pending()); // serve until the process is stopped (Ctrl-C)
        }
    }
}
