package io.cortado.http;

import io.cortado.AsyncRuntime;
import io.cortado.Futures;
import io.cortado.testing.RuntimeTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Router}: literal and {@code {param}} segments, 404, 405 with Allow, HEAD served by GET, bad patterns. */
class RouterTest extends RuntimeTestBase {
    private final AsyncRuntime rt = AsyncRuntime.builder().currentThread().build();

    @AfterEach
    void stop() {
        rt.close();
    }

    private static Handler says(String what) {
        return r -> Futures.ready(Response.of(200).body(what + (r.pathParam("id") == null ? ""
                : " id=" + r.pathParam("id")) + (r.pathParam("x") == null ? "" : " x=" + r.pathParam("x"))));
    }

    private final Router router = Router.builder()
            .get("/", says("root"))
            .get("/users", says("list"))
            .get("/users/{id}", says("user"))
            .put("/users/{id}", says("put"))
            .get("/users/{id}/items/{x}", says("item"))
            .post("/users/new", says("unreachable by GET"))
            .build();

    private String get(String method, String target) {
        String out = Scripted.serve(rt, HttpServer.builder(router).serverName(null), List.of(
                (method + " " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
        return out.substring(0, out.indexOf('\r')) + " " + out.substring(out.indexOf("\r\n\r\n") + 4)
                + (out.contains("Allow: ") ? " allow=" + out.split("Allow: ")[1].split("\r")[0] : "");
    }

    @Test
    void routesByMethodAndPath() {
        assertEquals("HTTP/1.1 200 OK root", get("GET", "/"));
        assertEquals("HTTP/1.1 200 OK list", get("GET", "/users?page=2"));
        assertEquals("HTTP/1.1 200 OK user id=42", get("GET", "/users/42"));
        assertEquals("HTTP/1.1 200 OK put id=42", get("PUT", "/users/42"));
        assertEquals("HTTP/1.1 200 OK item id=7 x=a%20b", get("GET", "/users/7/items/a%20b"));
        assertEquals("HTTP/1.1 200 OK user id=new", get("GET", "/users/new"), "the first matching route wins");
        assertEquals("HTTP/1.1 200 OK ", get("HEAD", "/users/1"), "HEAD is served by GET, without a body");
    }

    @Test
    void unknownPathsGet404AndOtherMethods405WithAllow() {
        assertTrue(get("GET", "/nope").startsWith("HTTP/1.1 404 Not Found"));
        assertTrue(get("GET", "/users/").startsWith("HTTP/1.1 404 Not Found"), "an empty {id} does not match");
        assertTrue(get("GET", "/users/1/items").startsWith("HTTP/1.1 404 Not Found"));
        assertTrue(get("GET", "//users").startsWith("HTTP/1.1 404 Not Found"));
        assertTrue(get("GET", "*").startsWith("HTTP/1.1 404 Not Found"));
        assertEquals("HTTP/1.1 405 Method Not Allowed 405 Method Not Allowed\n allow=GET, PUT, HEAD",
                get("DELETE", "/users/3"));
    }

    @Test
    void malformedPatternsAreRejected() {
        for (String p : List.of("users", "/a{id}", "/{id", "/{}", "/{a{b}}")) {
            assertThrows(IllegalArgumentException.class, () -> Router.builder().get(p, says("x")), p);
        }
    }
}
