package io.cortado.http;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.stream.Streams;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Connection} driven over an in-memory stream ({@link Scripted}): every bad-input case with its status and
 * the close, pipelining in order, bodies, HEAD, 100-continue, and the same bytes out whatever the cut of the
 * input.
 */
class ConnectionTest extends RuntimeTestBase {
    private AsyncRuntime rt;

    @BeforeEach
    void start() {
        rt = AsyncRuntime.builder().currentThread().build();
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    private String serve(HttpServer.Builder b, String input) {
        return Scripted.serve(rt, b, List.of(input.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static String ok(String target, String method, String body) {
        return "HTTP/1.1 200 OK\r\nServer: cortado\r\nDate: D\r\nX-Method: " + method + "\r\nX-Target: " + target
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndOneWriteCarriesTheBatch() {
        String in = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\n"
                + "Trailer: t\r\n\r\n";
        Scripted io = Scripted.run(rt, Scripted.echo(), List.of(in.getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(ok("/a", "GET", "") + ok("/b", "POST", "hello") + ok("/c", "POST", "abcde"),
                Scripted.normalise(io.written.toString(StandardCharsets.ISO_8859_1)));
        assertEquals(1, io.writes, "the three responses leave in one write");
    }

    /** Every cut of a pipelined batch into two reads, and one byte per read, gives the same responses. */
    @Test
    void everyByteBoundaryGivesTheSameResponses() {
        String in = "\r\nGET /a?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "PUT /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n10\r\n0123456789abcdef\r\n"
                + "0\r\n\r\n"
                + "HEAD /d HTTP/1.1\r\nhost: x\r\nConnection: close\r\n\r\n";
        byte[] bytes = in.getBytes(StandardCharsets.ISO_8859_1);
        String expected = serve(Scripted.echo(), in);
        assertTrue(expected.endsWith("X-Target: /d\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), expected);
        for (int cut = 1; cut < bytes.length; cut++) {
            assertEquals(expected, Scripted.serve(rt, Scripted.echo(), Scripted.cut(bytes, cut)), "cut at " + cut);
        }
        int[] all = new int[bytes.length - 1];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        assertEquals(expected, Scripted.serve(rt, Scripted.echo(), Scripted.cut(bytes, all)), "one byte a read");
    }

    /**
     * One bad input per line: name, status, input. In the input {@code ~} is CRLF, {@code ^} a bare LF, {@code @G}
     * {@code GET / HTTP/1.1~}, {@code @P} {@code POST / HTTP/1.1~Host: x~}, {@code {H}}
     * {@code Host: x~}, {@code {TE}} {@code Transfer-Encoding: chunked~}, {@code {A}} 150 letters; then a valid
     * request follows, which must not be answered.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bare LF after the request line    | 400 | GET / HTTP/1.1^{H}~
            bare LF after a field             | 400 | @GHost: x^~
            obs-fold                          | 400 | @G{H}X: a~ b~~
            space before the colon            | 400 | @GHost : x~~
            invalid byte in a name            | 400 | @GHo(st: x~~
            NUL in a value                    | 400 | @GHost: x{NUL}y~~
            bare CR in a value                | 400 | @GHost: x{CR}y~~
            no Host                           | 400 | @G~
            two Hosts                         | 400 | @GHost: a~Host: b~~
            both CL and TE                    | 400 | @PContent-Length: 5~{TE}~0~~
            two equal Content-Lengths         | 400 | @PContent-Length: 3~Content-Length: 3~~abc
            differing Content-Lengths         | 400 | @PContent-Length: 3~Content-Length: 4~~abcd
            Content-Length list               | 400 | @PContent-Length: 3, 3~~abc
            signed Content-Length             | 400 | @PContent-Length: +3~~abc
            TE in HTTP/1.0                    | 400 | POST / HTTP/1.0~{TE}~0~~
            chunked twice                     | 400 | @PTransfer-Encoding: chunked, chunked~~0~~
            unknown transfer coding           | 501 | @PTransfer-Encoding: gzip, chunked~~0~~
            HTTP/2.0                          | 505 | GET / HTTP/2.0~{H}~
            malformed version                 | 400 | GET / HTTP/1~{H}~
            lower-case version                | 400 | GET / http/1.1~{H}~
            no target                         | 400 | GET  HTTP/1.1~{H}~
            control byte in the target        | 400 | GET /a{SOH}b HTTP/1.1~{H}~
            malformed method                  | 400 | G@T / HTTP/1.1~{H}~
            request line over the limit       | 414 | GET /{A} HTTP/1.1~{H}~
            head over the limit               | 431 | @G{H}X: {A}~~
            too many fields                   | 431 | @G{H}a: 1~b: 2~c: 3~d: 4~~
            Content-Length over the limit     | 413 | @PContent-Length: 1001~~
            chunked body over the limit       | 413 | @P{TE}~3e9~
            bad chunk size                    | 400 | @P{TE}~zz~
            chunk size with a bare LF         | 400 | @P{TE}~3^abc~0~~
            chunk data without CRLF           | 400 | @P{TE}~3~abcX0~~
            body cut by the end of input      | 400 | @PContent-Length: 999~~abc
            """)
    void badInputGetsItsStatusAndTheConnectionCloses(String name, int status, String escaped) {
        String in = unescape(escaped) + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n";
        HttpServer.Builder b = Scripted.echo().maxRequestLineLength(40).maxHeaderBytes(120).maxHeaders(4)
                .maxBodyBytes(1000);
        String out = serve(b, in);
        String reason = Response.reason(status);
        String expected = "HTTP/1.1 " + status + " " + reason + "\r\nServer: cortado\r\nDate: D\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + (5 + reason.length())
                + "\r\nConnection: close\r\n\r\n" + status + " " + reason + "\n";
        assertEquals(expected, out, name);
    }

    static String unescape(String s) {
        return s.replace("@G", "GET / HTTP/1.1~").replace("@P", "POST / HTTP/1.1~Host: x~")
                .replace("{H}", "Host: x~").replace("{TE}", "Transfer-Encoding: chunked~")
                .replace("{A}", "a".repeat(150)).replace("{NUL}", "\u0000").replace("{SOH}", "\u0001")
                .replace("{CR}", "\r").replace("~", "\r\n").replace("^", "\n");
    }

    @Test
    void headGetsTheHeadersOfGetWithoutTheBody() {
        HttpServer.Builder b = HttpServer.builder(r -> Futures.ready(Response.text("hello")));
        String out = serve(b, "HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        String head = "HTTP/1.1 200 OK\r\nServer: cortado\r\nDate: D\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 5\r\n\r\n";
        assertEquals(head + head + "hello", out);
    }

    @Test
    void http10IsClosedUnlessKeepAliveAndChunkedResponsesBecomeCloseDelimited() {
        HttpServer.Builder b = HttpServer.builder(r -> Futures.ready(Response.of(200).body(
                Streams.iter(List.of(buf("ab"), buf("cd"))))));
        String out = serve(b, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nServer: cortado\r\nDate: D\r\nConnection: close\r\n\r\nabcd", out);
        out = serve(b, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertEquals("HTTP/1.1 200 OK\r\nServer: cortado\r\nDate: D\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", out);
    }

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void expectContinueIsSentOnlyWhenTheHandlerReadsTheBody() {
        String in = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
        List<byte[]> chunks = new ArrayList<>(List.of(in.getBytes(StandardCharsets.US_ASCII), "ok".getBytes()));
        String out = Scripted.serve(rt, Scripted.echo(), chunks);
        assertTrue(out.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\nok"), out);
        HttpServer.Builder refuse = HttpServer.builder(r -> Futures.ready(Response.of(417)));
        out = Scripted.serve(rt, refuse, List.of(in.getBytes(StandardCharsets.US_ASCII)));
        assertEquals("HTTP/1.1 417 Expectation Failed\r\nServer: cortado\r\nDate: D\r\nContent-Length: 0\r\n"
                + "Connection: close\r\n\r\n", out);
    }

    @Test
    void aThrowingHandlerGets500AndAFailedFutureItsHttpStatus() {
        HttpServer.Builder b = HttpServer.builder(r -> {
            if (r.path().equals("/throw")) {
                throw new IllegalStateException("boom");
            }
            return Futures.failed(new HttpException(409, "conflict"));
        });
        String out = serve(b, "GET /x HTTP/1.1\r\nHost: x\r\n\r\nGET /throw HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(out.startsWith("HTTP/1.1 409 Conflict\r\n"), out);
        assertTrue(out.contains("HTTP/1.1 500 Internal Server Error\r\n"), out);
        assertTrue(out.endsWith("Connection: close\r\n\r\n500 Internal Server Error\n"),
                "closes after the 500: " + out);
    }

    @Test
    void theRequestLimitClosesTheConnection() {
        HttpServer.Builder b = HttpServer.builder(r -> Futures.ready(Response.of(204))).maxRequestsPerConnection(2);
        String out = serve(b, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3));
        assertEquals("HTTP/1.1 204 No Content\r\nServer: cortado\r\nDate: D\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\nServer: cortado\r\nDate: D\r\nConnection: close\r\n\r\n", out);
    }
}
