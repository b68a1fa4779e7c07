package io.cortado.tls;

/** Whether a {@link TlsAcceptor} asks clients for a certificate (mutual TLS). */
public enum ClientAuth {
    /** No client certificate is asked for. */
    NONE,
    /** A client certificate is asked for; a client without one is accepted, a client with an untrusted one not. */
    OPTIONAL,
    /** A trusted client certificate is required; the handshake fails without one. */
    REQUIRED
}
