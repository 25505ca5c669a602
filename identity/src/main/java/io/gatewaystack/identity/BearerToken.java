package io.gatewaystack.identity;

/** Reads the token out of an {@code Authorization} header (RFC 6750 §2.1). */
public final class BearerToken {

    private static final String SCHEME = "Bearer";

    private BearerToken() {
    }

    /**
     * Where the token sits in its header: {@code header[start, end)}. The per-request cache lookup hashes this range
     * instead of copying a token of a kilobyte or so out of the header first.
     */
    public record Span(String header, int start, int end) {

        public String token() {
            return header.substring(start, end);
        }

        public int length() {
            return end - start;
        }
    }

    /**
     * The token of an "Authorization: Bearer &lt;token&gt;" header (scheme case-insensitive, surrounding spaces
     * trimmed), or null when the header is absent, another scheme, or empty.
     */
    public static String fromAuthorizationHeader(String header) {
        Span span = find(header);
        return span == null ? null : span.token();
    }

    /** Where {@link #fromAuthorizationHeader} would find the token, without copying it; null when it finds none. */
    public static Span find(String header) {
        if (header == null) {
            return null;
        }
        int start = 0;
        int end = header.length();
        while (start < end && Character.isWhitespace(header.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(header.charAt(end - 1))) {
            end--;
        }
        if (end - start <= SCHEME.length()
                || !header.regionMatches(true, start, SCHEME, 0, SCHEME.length())
                || !isSpace(header.charAt(start + SCHEME.length()))) {
            return null;
        }
        int token = start + SCHEME.length() + 1;
        while (token < end && Character.isWhitespace(header.charAt(token))) {
            token++;
        }
        return token == end ? null : new Span(header, token, end);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
