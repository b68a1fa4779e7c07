package io.cortado.tls;

import javax.net.ssl.SSLException;

/**
 * The stream under a TLS connection ended without the peer's {@code close_notify}: an attacker who can cut the
 * connection could make a truncated message look complete, so this is an error by default (as in rustls and
 * browsers). A peer known to close without {@code close_notify} can be accepted with
 * {@code acceptTruncation(true)} on the {@link TlsConnector} or {@link TlsAcceptor}; reads then just end.
 */
public final class TlsTruncationException extends SSLException {
    /** @param message what ended, and where */
    public TlsTruncationException(String message) {
        super(message);
    }
}
