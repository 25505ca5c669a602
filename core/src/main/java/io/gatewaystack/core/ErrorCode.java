package io.gatewaystack.core;

/**
 * The machine-readable error codes of the public contract, each with its HTTP status.
 *
 * <p>Clients branch on {@link #code()}; the enum constant names are for Java callers only.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, "invalid_request"),
    MISSING_TOKEN(401, "missing_token"),
    INVALID_TOKEN(401, "invalid_token"),
    TOKEN_EXPIRED(401, "token_expired"),
    ENCRYPTED_TOKEN(401, "access_token_is_encrypted_jwe"),
    INSUFFICIENT_SCOPE(403, "insufficient_scope"),
    POLICY_DENIED(403, "policy_denied"),
    CONTENT_BLOCKED(403, "content_blocked"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large"),
    RATE_LIMITED(429, "rate_limited"),
    BUDGET_EXCEEDED(429, "budget_exceeded"),
    WORKFLOW_LIMIT_EXCEEDED(429, "workflow_limit_exceeded"),
    INTERNAL_ERROR(500, "internal_error"),
    UPSTREAM_ERROR(502, "upstream_error"),
    DISCOVERY_FETCH_FAILED(502, "discovery_fetch_failed"),
    UNAVAILABLE(503, "unavailable"),
    UPSTREAM_TIMEOUT(504, "upstream_timeout");

    private final int status;
    private final String code;

    ErrorCode(int status, String code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** True for the codes whose response must carry a {@code WWW-Authenticate} challenge (RFC 6750). */
    public boolean isAuthChallenge() {
        return status == 401 || this == INSUFFICIENT_SCOPE;
    }
}
