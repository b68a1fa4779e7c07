package io.cortado.http;

import java.util.Arrays;

/**
 * The request-head parser: finds the end of a head in the connection's input buffer incrementally (each byte is
 * looked at once however the head arrives), then parses the complete head in one pass into a {@link Request} that
 * keeps offsets into a copy of the head's bytes and makes strings only when asked.
 *
 * <p>What it rejects (RFC 9112), each with the status of the {@link HttpException} it throws:
 * <ol>
 *   <li>a request line longer than the limit: 414; a head larger than the limit or with more fields than the
 *       limit: 431;</li>
 *   <li>a bare LF (a line not ended by CRLF), an obs-fold (a field line starting with a space or tab), a space
 *       before the colon, a byte outside {@code tchar} in a method or field name, a control byte (other than tab)
 *       or a space in a request target, a control byte (other than tab) in a field value: 400;</li>
 *   <li>a version that is not {@code HTTP/d.d}: 400; a major version other than 1: 505;</li>
 *   <li>an HTTP/1.1 request without exactly one {@code Host}, or an HTTP/1.0 one with several: 400;</li>
 *   <li>{@code Content-Length} that is not all digits, or that appears more than once (even with equal values):
 *       400; one larger than the body limit: 413;</li>
 *   <li>{@code Transfer-Encoding} together with {@code Content-Length}, in an HTTP/1.0 request, or with
 *       {@code chunked} not exactly once and last: 400; naming any coding other than {@code chunked}: 501.</li>
 * </ol>
 * Every rejection closes the connection after the error response.
 *
 * <p>Not thread-safe: one per connection. Guarded by {@code ConnectionTest} (each rejection with its status) and
 * {@code RequestParserFuzzTest} (the same parse whatever the chunking; limits; only {@link HttpException}).
 */
final class RequestParser {
    private static final byte TCHAR = 1;
    private static final byte VALUE = 2;
    private static final byte TARGET = 4;
    private static final byte[] CLASS = new byte[256];

    static {
        for (int c = 0x21; c < 0x7f; c++) {
            CLASS[c] |= VALUE | TARGET;
            if (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
                CLASS[c] |= TCHAR;
            }
        }
        CLASS[' '] |= VALUE;
        CLASS['\t'] |= VALUE;
        for (int c = 0x80; c < 0x100; c++) {
            CLASS[c] |= VALUE; // obs-text
        }
    }

    private final Limits limits;
    /** Bytes of the current head already scanned, counted from its first byte. */
    private int scanned;
    /** Where the line being scanned starts, counted from the head's first byte. */
    private int lineStart;
    private boolean requestLineDone;

    RequestParser(Limits limits) {
        this.limits = limits;
    }

    /**
     * Looks for the end of the head that starts at {@code from}, continuing where the last call stopped.
     *
     * @return the head's length including its empty last line, or {@code -1} if it is not complete yet
     * @throws HttpException 414 or 431 when the limits are passed
     */
    int scanHead(byte[] b, int from, int to) {
        int i = from + scanned;
        int line = from + lineStart;
        int stop = Math.min(to, from + limits.maxHeaderBytes());
        while (i < stop) {
            if (b[i++] == '\n') {
                int len = i - 1 - line; // without the LF
                if (!requestLineDone) {
                    if (len - (len > 0 && b[i - 2] == '\r' ? 1 : 0) > limits.maxRequestLine()) {
                        throw new HttpException(414, "request line longer than " + limits.maxRequestLine());
                    }
                    requestLineDone = true;
                } else if (len == 0 || (len == 1 && b[line] == '\r')) {
                    reset();
                    return i - from;
                }
                line = i;
            }
        }
        scanned = i - from;
        lineStart = line - from;
        if (!requestLineDone && scanned > limits.maxRequestLine() + 1) {
            throw new HttpException(414, "request line longer than " + limits.maxRequestLine());
        }
        if (scanned >= limits.maxHeaderBytes()) {
            throw new HttpException(431, "request head larger than " + limits.maxHeaderBytes() + " bytes");
        }
        return -1;
    }

    /** Forgets a partly scanned head. */
    void reset() {
        scanned = 0;
        lineStart = 0;
        requestLineDone = false;
    }

    /** @return whether some of a head has been scanned (the header-read time-out runs) */
    boolean inHead() {
        return scanned > 0;
    }

    /**
     * Parses a complete head, as found by {@link #scanHead}.
     *
     * @return the request, without a body yet
     * @throws HttpException if the head is malformed or breaks a rule (see the class comment)
     */
    Request parse(byte[] b, int from, int len) {
        byte[] h = Arrays.copyOfRange(b, from, from + len);
        int n = h.length;
        int p = 0;
        while (isTchar(h[p])) {
            p++;
        }
        if (p == 0 || h[p] != ' ') {
            throw bad("malformed method");
        }
        int methodEnd = p++;
        int targetStart = p;
        while ((CLASS[h[p] & 0xff] & TARGET) != 0) {
            p++;
        }
        if (p == targetStart || h[p] != ' ') {
            throw bad("malformed request target");
        }
        int targetEnd = p++;
        if (p + 10 > n || h[p] != 'H' || h[p + 1] != 'T' || h[p + 2] != 'T' || h[p + 3] != 'P' || h[p + 4] != '/'
                || !isDigit(h[p + 5]) || h[p + 6] != '.' || !isDigit(h[p + 7])) {
            throw bad("malformed HTTP version");
        }
        if (h[p + 8] != '\r' || h[p + 9] != '\n') {
            throw bad("request line not ended by CRLF");
        }
        if (h[p + 5] != '1') {
            throw new HttpException(505, "HTTP version " + (char) h[p + 5] + "." + (char) h[p + 7]);
        }
        boolean http11 = h[p + 7] != '0'; // 1.2 and later minor versions are answered as 1.1 (RFC 9110 2.5)
        p += 10;

        int[] fields = new int[16];
        int count = 0;
        long contentLength = -1;
        int hosts = 0;
        boolean te = false;
        boolean chunked = false;
        boolean close = false;
        boolean keepAliveToken = false;
        boolean expectContinue = false;
        for (; ; ) {
            byte c = h[p];
            if (c == '\r') {
                if (h[p + 1] != '\n') {
                    throw bad("head not ended by CRLF");
                }
                break;
            }
            if (c == ' ' || c == '\t') {
                throw bad("obsolete line folding");
            }
            int ns = p;
            while (isTchar(h[p])) {
                p++;
            }
            if (p == ns || h[p] != ':') {
                throw bad("malformed field name");
            }
            int ne = p++;
            while (h[p] == ' ' || h[p] == '\t') {
                p++;
            }
            int vs = p;
            while ((CLASS[h[p] & 0xff] & VALUE) != 0) {
                p++;
            }
            if (h[p] != '\r' || h[p + 1] != '\n') {
                throw bad(h[p] == '\n' ? "field line ended by a bare LF" : "invalid byte in a field value");
            }
            int ve = p;
            while (ve > vs && (h[ve - 1] == ' ' || h[ve - 1] == '\t')) {
                ve--;
            }
            p += 2;
            if (count == limits.maxHeaders()) {
                throw new HttpException(431, "more than " + limits.maxHeaders() + " header fields");
            }
            if (4 * count + 4 > fields.length) {
                fields = Arrays.copyOf(fields, fields.length * 2);
            }
            fields[4 * count] = ns;
            fields[4 * count + 1] = ne;
            fields[4 * count + 2] = vs;
            fields[4 * count + 3] = ve;
            count++;
            switch (ne - ns) {
                case 4 -> {
                    if (nameIs(h, ns, "host")) {
                        hosts++;
                    }
                }
                case 6 -> {
                    if (nameIs(h, ns, "expect") && valueIs(h, vs, ve, "100-continue")) {
                        expectContinue = true;
                    }
                }
                case 10 -> {
                    if (nameIs(h, ns, "connection")) {
                        int tokens = tokens(h, vs, ve);
                        close |= (tokens & CLOSE) != 0;
                        keepAliveToken |= (tokens & KEEP_ALIVE) != 0;
                    }
                }
                case 14 -> {
                    if (nameIs(h, ns, "content-length")) {
                        if (contentLength >= 0) {
                            throw bad("more than one Content-Length");
                        }
                        contentLength = contentLength(h, vs, ve);
                    }
                }
                case 17 -> {
                    if (nameIs(h, ns, "transfer-encoding")) {
                        if (te) {
                            throw bad("more than one Transfer-Encoding field");
                        }
                        te = true;
                        chunked = transferEncoding(h, vs, ve);
                    }
                }
                default -> {
                }
            }
        }
        if (http11 ? hosts != 1 : hosts > 1) {
            throw bad(hosts == 0 ? "no Host" : "more than one Host");
        }
        if (te) {
            if (contentLength >= 0) {
                throw bad("both Transfer-Encoding and Content-Length");
            }
            if (!http11) {
                throw bad("Transfer-Encoding in an HTTP/1.0 request");
            }
        }
        if (contentLength > limits.maxBody()) {
            throw new HttpException(413, "Content-Length " + contentLength + " over the limit " + limits.maxBody());
        }
        boolean keepAlive = http11 ? !close : keepAliveToken && !close;
        return new Request(h, methodEnd, targetStart, targetEnd, http11, fields, count,
                chunked ? -1 : Math.max(contentLength, 0), keepAlive, expectContinue);
    }

    private static final int CLOSE = 1;
    private static final int KEEP_ALIVE = 2;

    /** @return the Connection tokens {@code close} and {@code keep-alive} found in a comma-separated list */
    private static int tokens(byte[] h, int from, int to) {
        int found = 0;
        int i = from;
        while (i < to) {
            while (i < to && (h[i] == ',' || h[i] == ' ' || h[i] == '\t')) {
                i++;
            }
            int s = i;
            while (i < to && h[i] != ',' && h[i] != ' ' && h[i] != '\t') {
                i++;
            }
            if (valueIs(h, s, i, "close")) {
                found |= CLOSE;
            } else if (valueIs(h, s, i, "keep-alive")) {
                found |= KEEP_ALIVE;
            }
        }
        return found;
    }

    private static long contentLength(byte[] h, int from, int to) {
        if (from == to) {
            throw bad("empty Content-Length");
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            if (!isDigit(h[i])) {
                throw bad("Content-Length is not a number");
            }
            if (v > (Long.MAX_VALUE - 9) / 10) {
                throw new HttpException(413, "Content-Length too large");
            }
            v = v * 10 + (h[i] - '0');
        }
        return v;
    }

    /** @return true (the only accepted value is {@code chunked}, alone) */
    private static boolean transferEncoding(byte[] h, int from, int to) {
        int chunkedSeen = 0;
        boolean chunkedLast = false;
        int i = from;
        boolean any = false;
        while (i < to) {
            while (i < to && (h[i] == ',' || h[i] == ' ' || h[i] == '\t')) {
                i++;
            }
            if (i == to) {
                break;
            }
            int s = i;
            while (i < to && h[i] != ',') {
                i++;
            }
            int e = i;
            while (e > s && (h[e - 1] == ' ' || h[e - 1] == '\t')) {
                e--;
            }
            any = true;
            if (valueIs(h, s, e, "chunked")) {
                chunkedSeen++;
                chunkedLast = true;
            } else {
                throw new HttpException(501, "unsupported transfer coding");
            }
        }
        if (!any || chunkedSeen != 1 || !chunkedLast) {
            throw bad("Transfer-Encoding must be chunked, once");
        }
        return true;
    }

    static boolean isTchar(byte b) {
        return (CLASS[b & 0xff] & TCHAR) != 0;
    }

    static boolean isValueByte(byte b) {
        return (CLASS[b & 0xff] & VALUE) != 0;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** @return whether the name at {@code at} is {@code lower} (ASCII letters and '-'), ignoring case */
    static boolean nameIs(byte[] h, int at, String lower) {
        for (int i = 0; i < lower.length(); i++) {
            if ((h[at + i] | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** @return whether {@code h[from, to)} is {@code lower} ignoring ASCII case */
    static boolean valueIs(byte[] h, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            byte b = h[from + i];
            char c = lower.charAt(i);
            if (b != c && !(c >= 'a' && c <= 'z' && b == c - 32)) {
                return false;
            }
        }
        return true;
    }

    private static HttpException bad(String why) {
        return new HttpException(400, why);
    }
}
