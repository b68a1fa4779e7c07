/**
 * Cortado's HTTP/1.1 server ({@link io.cortado.http.HttpServer}, {@link io.cortado.http.Router}, WebSockets with
 * {@link io.cortado.http.WebSocket}) and client ({@link io.cortado.http.HttpClient}): requests and responses with
 * streamed bodies, over plain TCP or TLS.
 */
module io.cortado.http {
    requires transitive io.cortado;
    exports io.cortado.http;
}
