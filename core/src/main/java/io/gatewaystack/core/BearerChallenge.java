package io.gatewaystack.core;

/**
 * The {@code WWW-Authenticate: Bearer ...} value of an authentication or authorization error (RFC 6750 §3), with the
 * MCP authorization spec's {@code resource_metadata} pointer when there is one.
 */
public final class BearerChallenge {

    private BearerChallenge() {
    }

    /**
     * @param resourceMetadataUrl the Protected Resource Metadata URL (RFC 9728), or null
     * @param realm               the realm, or null
     * @param error               the error answered
     */
    public static String of(String resourceMetadataUrl, String realm, GatewayError error) {
        StringBuilder sb = new StringBuilder("Bearer");
        String sep = " ";
        if (resourceMetadataUrl != null) {
            sb.append(sep).append("resource_metadata=\"").append(resourceMetadataUrl).append('"');
            sep = ", ";
        }
        if (realm != null) {
            sb.append(sep).append("realm=\"").append(quoted(realm)).append('"');
            sep = ", ";
        }
        // RFC 6750 §3: no error attribute when the request carried no credentials at all.
        if (error.code() != ErrorCode.MISSING_TOKEN) {
            String rfcError = error.code() == ErrorCode.INSUFFICIENT_SCOPE ? "insufficient_scope" : "invalid_token";
            sb.append(sep).append("error=\"").append(rfcError).append('"');
            sb.append(", error_description=\"").append(quoted(error.description())).append('"');
            sep = ", ";
        }
        if (error.scope() != null && !error.scope().isBlank()) {
            sb.append(sep).append("scope=\"").append(quoted(error.scope())).append('"');
        }
        return sb.toString();
    }

    /** RFC 6750 quoted-string content: no quotes, backslashes or control characters. */
    static String quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\'');
            } else if (c >= 0x20 && c < 0x7f) {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
