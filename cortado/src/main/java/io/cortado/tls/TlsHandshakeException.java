package io.cortado.tls;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.Objects;

/**
 * A TLS handshake failed: the reason names what went wrong, and the JDK's own exception (when there is one) is the
 * cause. A handshake failure affects one connection only; the stream under it is closed.
 *
 * <p>Futures fail with an {@link java.io.UncheckedIOException} whose cause is this exception, as for every I/O
 * failure in Cortado.
 */
public final class TlsHandshakeException extends SSLHandshakeException {

    /** What made a handshake fail. */
    public enum Reason {
        /** The peer did not speak TLS (for example a plaintext HTTP request instead of a ClientHello). */
        NOT_TLS,
        /** The peer's certificate chain does not lead to a trusted root. */
        CERTIFICATE_UNTRUSTED,
        /** A certificate of the peer's chain has expired (or is not yet valid). */
        CERTIFICATE_EXPIRED,
        /** The server's certificate is not for the name the client asked for. */
        HOSTNAME_MISMATCH,
        /** The peer refused this side's certificate, or required one this side did not send. */
        CERTIFICATE_REJECTED,
        /** No protocol version both sides allow. */
        PROTOCOL_MISMATCH,
        /** No cipher suite both sides allow. */
        NO_COMMON_CIPHER,
        /** No application protocol (ALPN) both sides allow. */
        ALPN_MISMATCH,
        /** The peer closed the connection before the handshake finished. */
        PEER_CLOSED,
        /** The handshake did not finish within its time limit. */
        TIMED_OUT,
        /** The peer sent a fatal alert not covered by another reason (the message names it). */
        PEER_ALERT,
        /** Another failure; the cause says what. */
        OTHER
    }

    private final Reason reason;

    /**
     * @param reason  what went wrong
     * @param message the details
     * @param cause   the JDK's exception, or {@code null}
     */
    public TlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message);
        this.reason = reason;
        if (cause != null) {
            initCause(cause);
        }
    }

    /** @return what made the handshake fail */
    public Reason reason() {
        return reason;
    }

    /**
     * Classifies what the JDK threw during a handshake.
     *
     * @param e    the JDK's exception
     * @param what the connection, for the message
     * @return the classified failure, with {@code e} as its cause
     */
    static TlsHandshakeException classify(Throwable e, String what) {
        if (e instanceof TlsHandshakeException t) {
            return t;
        }
        Reason reason = Reason.OTHER;
        for (Throwable c = e; c != null; c = c.getCause()) {
            Reason r = reasonOf(c);
            if (r != Reason.OTHER) {
                reason = r;
                if (r != Reason.PEER_ALERT) {
                    break; // a specific cause deeper in the chain wins over a generic alert
                }
            }
        }
        String m = e.getMessage();
        return new TlsHandshakeException(reason, "TLS handshake with " + what + " failed"
                + (m == null ? "" : ": " + m), e);
    }

    private static Reason reasonOf(Throwable c) {
        if (c instanceof CertificateExpiredException || c instanceof CertificateNotYetValidException) {
            return Reason.CERTIFICATE_EXPIRED;
        }
        if (c instanceof CertPathValidatorException v
                && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return Reason.CERTIFICATE_EXPIRED;
        }
        String m = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("no subject alternative") || m.contains("no name matching")) {
            return Reason.HOSTNAME_MISMATCH;
        }
        if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException
                || m.contains("unable to find valid certification path") || m.contains("unknown_ca")) {
            return Reason.CERTIFICATE_UNTRUSTED;
        }
        if (m.contains("unsupported or unrecognized ssl message") || m.contains("plaintext connection")) {
            return Reason.NOT_TLS;
        }
        if (m.contains("no_application_protocol") || m.contains("application layer protocol")) {
            return Reason.ALPN_MISMATCH;
        }
        if (m.contains("protocol_version") || m.contains("no appropriate protocol")
                || m.contains("protocol is disabled") || m.contains("client requested protocol")) {
            return Reason.PROTOCOL_MISMATCH;
        }
        if (m.contains("no cipher suites in common") || m.contains("no negotiable cipher suite")
                || m.contains("insufficient_security")) {
            return Reason.NO_COMMON_CIPHER;
        }
        if (m.contains("certificate_expired")) {
            return Reason.CERTIFICATE_EXPIRED;
        }
        if (m.contains("bad_certificate") || m.contains("certificate_unknown") || m.contains("certificate_required")
                || m.contains("empty client certificate chain") || m.contains("empty server certificate chain")
                || m.contains("unsupported_certificate") || m.contains("certificate_revoked")) {
            return Reason.CERTIFICATE_REJECTED;
        }
        if (m.contains("received fatal alert")) {
            return Reason.PEER_ALERT;
        }
        return Reason.OTHER;
    }
}
