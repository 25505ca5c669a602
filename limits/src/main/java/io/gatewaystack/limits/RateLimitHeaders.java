package io.gatewaystack.limits;

import io.gatewaystack.limits.store.RateState;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders a {@link LimitsStatus} as response headers:
 * <ul>
 *   <li>IETF draft-ietf-httpapi-ratelimit-headers: {@code RateLimit-Policy: "per-user";q=10;w=60} (quota and window
 *       in seconds) and {@code RateLimit: "per-user";r=9;t=60} (remaining, seconds until one more request is
 *       available), one list member per rule.</li>
 *   <li>The common {@code X-RateLimit-Limit}, {@code -Remaining} and {@code -Reset} (seconds from now, not an
 *       epoch), for the most constrained rule: the fewest remaining, then the longest reset.</li>
 * </ul>
 * Windows and resets are rounded up to whole seconds. Nothing is rendered when no rule applied.
 */
public final class RateLimitHeaders {

    public static final String POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";
    public static final String X_LIMIT = "X-RateLimit-Limit";
    public static final String X_REMAINING = "X-RateLimit-Remaining";
    public static final String X_RESET = "X-RateLimit-Reset";

    private final boolean legacyHeaders;

    /** @param legacyHeaders whether to add the {@code X-RateLimit-*} headers next to the IETF ones */
    public RateLimitHeaders(boolean legacyHeaders) {
        this.legacyHeaders = legacyHeaders;
    }

    public Map<String, String> render(LimitsStatus status) {
        if (status == null || status.rates().isEmpty()) {
            return Map.of();
        }
        StringBuilder policy = new StringBuilder();
        StringBuilder current = new StringBuilder();
        RateState tightest = null;
        for (RateState state : status.rates()) {
            if (!policy.isEmpty()) {
                policy.append(", ");
                current.append(", ");
            }
            // Rule names are restricted to [A-Za-z0-9_.:-], so they need no escaping inside a quoted sf-string.
            String name = state.rule().name();
            policy.append('"').append(name).append("\";q=").append(state.rule().max())
                    .append(";w=").append(ceilSeconds(state.rule().windowMillis()));
            current.append('"').append(name).append("\";r=").append(state.remaining())
                    .append(";t=").append(ceilSeconds(state.resetMillis()));
            if (tightest == null || state.remaining() < tightest.remaining()
                    || state.remaining() == tightest.remaining() && state.resetMillis() > tightest.resetMillis()) {
                tightest = state;
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(8);
        headers.put(POLICY, policy.toString());
        headers.put(RATE_LIMIT, current.toString());
        if (legacyHeaders) {
            headers.put(X_LIMIT, Integer.toString(tightest.rule().max()));
            headers.put(X_REMAINING, Long.toString(tightest.remaining()));
            headers.put(X_RESET, Long.toString(ceilSeconds(tightest.resetMillis())));
        }
        return headers;
    }

    static long ceilSeconds(long millis) {
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
