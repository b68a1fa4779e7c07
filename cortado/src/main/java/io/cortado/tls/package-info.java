/**
 * TLS over any Cortado byte stream, on the JDK's {@link javax.net.ssl.SSLEngine}: {@link io.cortado.tls.TlsConnector}
 * (client), {@link io.cortado.tls.TlsAcceptor} (server) and the {@link io.cortado.tls.TlsStream} they make, an
 * {@link io.cortado.io.AsyncRead} and {@link io.cortado.io.AsyncWrite} like the sockets under it.
 */
package io.cortado.tls;
