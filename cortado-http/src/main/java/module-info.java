/**
 * Cortado's HTTP/1.1 server: {@link io.cortado.http.HttpServer}, {@link io.cortado.http.Router}, requests and
 * responses with streamed bodies, over plain TCP or TLS.
 */
module io.cortado.http {
    requires transitive io.cortado;
    exports io.cortado.http;
}
