package io.cortado.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The {@code Date} header line (RFC 9110 IMF-fixdate), formatted at most once a second and shared. */
final class HttpDate {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private record Cached(long second, byte[] line) {
    }

    private static volatile Cached cached = new Cached(-1, new byte[0]);

    private HttpDate() {
    }

    /** @return {@code Date: <now>\r\n} as bytes; the array is shared and must not be modified */
    static byte[] line() {
        long s = System.currentTimeMillis() / 1000;
        Cached c = cached;
        if (c.second != s) {
            c = new Cached(s, ("Date: " + FORMAT.format(Instant.ofEpochSecond(s)) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            cached = c; // a race makes the same bytes twice: harmless
        }
        return c.line;
    }
}
