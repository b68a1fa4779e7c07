package io.cortado.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HTTP request as the server parsed it: the request line, the header fields and a {@link Body}.
 *
 * <p>The head is kept as its bytes and the offsets of its parts; a method, target or field becomes a
 * {@code String} only when asked for (the common methods are shared constants). Field names compare ignoring
 * case; values are as sent, without the surrounding whitespace, decoded as ISO-8859-1.
 *
 * <p>A request is not thread-safe; it may be kept after its response (its head stays valid), but its body can
 * only be read until the handler's response is ready.
 */
public final class Request {
    private static final String[] METHODS = {"GET", "PUT", "POST", "HEAD", "PATCH", "DELETE", "OPTIONS", "TRACE",
            "CONNECT"};

    private final byte[] head;
    private final int methodEnd;
    private final int targetStart;
    private final int targetEnd;
    private final boolean http11;
    private final int[] fields;
    private final int fieldCount;
    private final long contentLength;
    private final boolean keepAlive;
    private final boolean expectContinue;
    private Body body = Body.EMPTY;
    private String method;
    private String target;
    private Map<String, String> params = Map.of();

    Request(byte[] head, int methodEnd, int targetStart, int targetEnd, boolean http11, int[] fields,
            int fieldCount, long contentLength, boolean keepAlive, boolean expectContinue) {
        this.head = head;
        this.methodEnd = methodEnd;
        this.targetStart = targetStart;
        this.targetEnd = targetEnd;
        this.http11 = http11;
        this.fields = fields;
        this.fieldCount = fieldCount;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
        this.expectContinue = expectContinue;
    }

    /** @return the method, e.g. {@code GET} (case-sensitive, as sent) */
    public String method() {
        String m = method;
        if (m == null) {
            for (String known : METHODS) {
                if (isMethod(known)) {
                    m = known;
                    break;
                }
            }
            if (m == null) {
                m = new String(head, 0, methodEnd, StandardCharsets.ISO_8859_1);
            }
            method = m;
        }
        return m;
    }

    /** @return whether the method is {@code m} (no string is made) */
    public boolean isMethod(String m) {
        if (m.length() != methodEnd) {
            return false;
        }
        for (int i = 0; i < methodEnd; i++) {
            if (head[i] != m.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** @return the request target as sent, e.g. {@code /search?q=x} (not decoded) */
    public String target() {
        String t = target;
        if (t == null) {
            t = target = new String(head, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        }
        return t;
    }

    /** @return the target up to its {@code ?} (not decoded) */
    public String path() {
        String t = target();
        int q = t.indexOf('?');
        return q < 0 ? t : t.substring(0, q);
    }

    /** @return the target after its {@code ?} (not decoded), or {@code null} if it has none */
    public String query() {
        String t = target();
        int q = t.indexOf('?');
        return q < 0 ? null : t.substring(q + 1);
    }

    /** @return {@code HTTP/1.1} or {@code HTTP/1.0} */
    public String version() {
        return http11 ? "HTTP/1.1" : "HTTP/1.0";
    }

    /** @return the number of header fields */
    public int headerCount() {
        return fieldCount;
    }

    /** @return the name of field {@code i} as sent */
    public String headerName(int i) {
        java.util.Objects.checkIndex(i, fieldCount);
        return new String(head, fields[4 * i], fields[4 * i + 1] - fields[4 * i], StandardCharsets.ISO_8859_1);
    }

    /** @return the value of field {@code i} */
    public String headerValue(int i) {
        java.util.Objects.checkIndex(i, fieldCount);
        return new String(head, fields[4 * i + 2], fields[4 * i + 3] - fields[4 * i + 2],
                StandardCharsets.ISO_8859_1);
    }

    /** @return the value of the first field named {@code name} (ignoring case), or {@code null} */
    public String header(String name) {
        int i = find(name, 0);
        return i < 0 ? null : headerValue(i);
    }

    /** @return the values of every field named {@code name} (ignoring case), in order */
    public List<String> headers(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = find(name, 0); i >= 0; i = find(name, i + 1)) {
            values.add(headerValue(i));
        }
        return values;
    }

    private int find(String name, int from) {
        int len = name.length();
        for (int i = from; i < fieldCount; i++) {
            int ns = fields[4 * i];
            if (fields[4 * i + 1] - ns == len && equalsIgnoreCase(ns, name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean equalsIgnoreCase(int at, String name) {
        for (int i = 0; i < name.length(); i++) {
            int a = head[at + i];
            int b = name.charAt(i);
            if (a != b) {
                if (a >= 'A' && a <= 'Z') {
                    a += 32;
                }
                if (b >= 'A' && b <= 'Z') {
                    b += 32;
                }
                if (a != b) {
                    return false;
                }
            }
        }
        return true;
    }

    /** @return the body's length: {@code 0} for none, {@code -1} when chunked (not known in advance) */
    public long contentLength() {
        return contentLength;
    }

    /** @return whether the client asked to keep the connection open after this request */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** @return whether the client sent {@code Expect: 100-continue} */
    public boolean expectsContinue() {
        return expectContinue;
    }

    /**
     * The body, read from the connection only as it is polled. See {@link Body} for when it may be read.
     *
     * @return the body (an empty one when the request has none)
     */
    public Body body() {
        return body;
    }

    /**
     * @param name a {@code {name}} segment of the {@link Router} route that matched
     * @return its value in this request's path (not decoded), or {@code null}
     */
    public String pathParam(String name) {
        return params.get(name);
    }

    void body(Body b) {
        body = b;
    }

    void pathParams(Map<String, String> p) {
        params = p;
    }

    boolean isHead() {
        return methodEnd == 4 && head[0] == 'H' && head[1] == 'E' && head[2] == 'A' && head[3] == 'D';
    }

    boolean http11() {
        return http11;
    }

    @Override
    public String toString() {
        return method() + " " + target() + " " + version();
    }
}
