package io.cortado.http;

import io.cortado.Future;

/**
 * Serves one request: {@code Request -> Future<Response>}. The server polls the returned future on the
 * connection's task, so a handler that reads the request body reads it from there, as the future is polled.
 *
 * <p>A handler that throws, or whose future fails, gets a {@code 500} response (or the status of an
 * {@link HttpException}) and a tracing event on target {@code cortado.http}; the connection is never dropped
 * without a response. If the connection ends first (the server closes), the future is cancelled.
 */
@FunctionalInterface
public interface Handler {

    /**
     * @param request the request; its body is read only as it is polled
     * @return a future of the response; a {@link io.cortado.Futures#ready ready} one for the fast path
     */
    Future<Response> handle(Request request);
}
