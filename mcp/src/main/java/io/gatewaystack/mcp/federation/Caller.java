package io.gatewaystack.mcp.federation;

import io.gatewaystack.core.Identity;
import java.util.Map;

/**
 * Who calls an upstream, and what goes with the request.
 *
 * @param identity     the verified user (never null at the gateway)
 * @param bearerToken  the user's raw access token (for a token exchange), or null
 * @param requestId    the gateway request id, forwarded as {@code X-Request-Id}
 * @param extraHeaders headers layers asked to add (a policy's "add header"); never over identity or auth headers
 */
public record Caller(Identity identity, String bearerToken, String requestId, Map<String, String> extraHeaders) {

    public Caller {
        extraHeaders = extraHeaders == null ? Map.of() : Map.copyOf(extraHeaders);
    }

    /** The key of this user's state at an upstream: issuer and subject (equal subjects of two issuers never share). */
    String userKey() {
        return identity == null ? "" : identity.issuer() + "\n" + identity.subject();
    }

    @Override
    public String toString() {
        return "Caller[" + (identity == null ? "anonymous" : identity.subject()) + "]"; // never the token
    }
}
