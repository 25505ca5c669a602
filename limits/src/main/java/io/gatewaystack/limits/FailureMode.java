package io.gatewaystack.limits;

/** What the limits layer does when its shared store (Redis) fails or does not answer within the timeout. */
public enum FailureMode {
    /**
     * Keep serving: count the request in this instance's in-memory limiter instead (so each replica enforces the
     * limits on its own, up to N times the cap across N replicas while Redis is away) and mark the request
     * {@code limits_degraded} for audit.
     */
    FAIL_OPEN,
    /** Refuse the request with 503 {@code unavailable}. */
    FAIL_CLOSED
}
