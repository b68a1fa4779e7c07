package io.cortado.http;

import io.cortado.Future;
import io.cortado.Futures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A small router: routes are a method and a path pattern of {@code /}-separated segments, each literal or a
 * {@code {name}} parameter matching one non-empty segment ({@link Request#pathParam}). Routes are tried in the
 * order they were added; the query string is ignored. No route matching the path: {@code 404}; routes matching
 * the path but not the method: {@code 405} with an {@code Allow} field. A {@code HEAD} request is served by the
 * {@code GET} route when it has no {@code HEAD} route (the server sends no body).
 *
 * <pre>{@code
 * Router router = Router.builder()
 *         .get("/users/{id}", req -> Futures.ready(Response.text("user " + req.pathParam("id"))))
 *         .build();
 * }</pre>
 */
public final class Router implements Handler {
    private record Route(String method, String[] segments, Handler handler) {
    }

    private final Route[] routes;

    private Router(List<Route> routes) {
        this.routes = routes.toArray(Route[]::new);
    }

    /** @return a builder without routes */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Future<Response> handle(Request request) {
        String path = request.path();
        Set<String> allowed = null;
        Route getRoute = null;
        for (Route r : routes) {
            if (!matches(r.segments, path, null)) {
                continue;
            }
            if (request.isMethod(r.method)) {
                return serve(r, request, path);
            }
            if (getRoute == null && r.method.equals("GET") && request.isMethod("HEAD")) {
                getRoute = r;
            }
            if (allowed == null) {
                allowed = new LinkedHashSet<>();
            }
            allowed.add(r.method);
        }
        if (getRoute != null) {
            return serve(getRoute, request, path);
        }
        if (allowed == null) {
            return Futures.ready(Response.of(404).header("Content-Type", "text/plain; charset=utf-8")
                    .body("404 Not Found\n"));
        }
        if (allowed.contains("GET")) {
            allowed.add("HEAD");
        }
        return Futures.ready(Response.of(405).header("Allow", String.join(", ", allowed))
                .header("Content-Type", "text/plain; charset=utf-8").body("405 Method Not Allowed\n"));
    }

    private static Future<Response> serve(Route r, Request request, String path) {
        Map<String, String> params = null;
        for (String s : r.segments) {
            if (s.startsWith("{")) {
                params = new HashMap<>();
                matches(r.segments, path, params);
                break;
            }
        }
        if (params != null) {
            request.pathParams(params);
        }
        return r.handler.handle(request);
    }

    /** @return whether {@code path} matches the pattern's segments, filling {@code params} if given */
    private static boolean matches(String[] segments, String path, Map<String, String> params) {
        if (path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        int at = 1;
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            int end = path.indexOf('/', at);
            if (end < 0) {
                end = path.length();
            }
            if (seg.startsWith("{")) {
                if (end == at) {
                    return false;
                }
                if (params != null) {
                    params.put(seg.substring(1, seg.length() - 1), path.substring(at, end));
                }
            } else if (end - at != seg.length() || !path.startsWith(seg, at)) {
                return false;
            }
            if (i == segments.length - 1) {
                return end == path.length();
            }
            if (end == path.length()) {
                return false;
            }
            at = end + 1;
        }
        return true;
    }

    /** Builds a {@link Router}; not thread-safe. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param method  the method, e.g. {@code GET}
         * @param pattern the path pattern, starting with {@code /}, e.g. {@code /users/{id}}
         * @param handler serves matching requests
         * @throws IllegalArgumentException if the pattern does not start with {@code /} or has a malformed
         *                                  parameter
         */
        public Builder route(String method, String pattern, Handler handler) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(handler, "handler");
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("pattern : " + pattern + " (expected: starting with /)");
            }
            String[] segments = pattern.substring(1).split("/", -1);
            for (String s : segments) {
                if ((s.startsWith("{") || s.endsWith("}") || s.contains("{"))
                        && !(s.startsWith("{") && s.endsWith("}") && s.length() > 2
                        && s.indexOf('{', 1) < 0)) {
                    throw new IllegalArgumentException("pattern : " + pattern
                            + " (expected: parameters as whole segments, like /users/{id})");
                }
            }
            routes.add(new Route(method, segments, handler));
            return this;
        }

        /** A {@code GET} route. */
        public Builder get(String pattern, Handler handler) {
            return route("GET", pattern, handler);
        }

        /** A {@code POST} route. */
        public Builder post(String pattern, Handler handler) {
            return route("POST", pattern, handler);
        }

        /** A {@code PUT} route. */
        public Builder put(String pattern, Handler handler) {
            return route("PUT", pattern, handler);
        }

        /** A {@code DELETE} route. */
        public Builder delete(String pattern, Handler handler) {
            return route("DELETE", pattern, handler);
        }

        /** @return the router */
        public Router build() {
            return new Router(routes);
        }
    }
}
