package io.gatewaystack.identity;

/** Reads the token out of an {@code Authorization} header (RFC 6750 §2.1). */
public final class BearerToken {

    private static final String SCHEME = "Bearer";

    private BearerToken() {
    }

    /**
     * The token of an "Authorization: Bearer &lt;token&gt;" header (scheme case-insensitive, surrounding spaces
     * trimmed), or null when the header is absent, another scheme, or empty.
     */
    public static String fromAuthorizationHeader(String header) {
        if (header == null) {
            return null;
        }
        String value = header.strip();
        if (value.length() <= SCHEME.length()
                || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || !isSpace(value.charAt(SCHEME.length()))) {
            return null;
        }
        String token = value.substring(SCHEME.length() + 1).strip();
        return token.isEmpty() ? null : token;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }
}
