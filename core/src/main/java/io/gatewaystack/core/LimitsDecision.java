package io.gatewaystack.core;

import java.util.List;

/**
 * The limits layer's pre-flight decision.
 *
 * @param allowed           whether the request may go on
 * @param reasons           human-readable reasons (which limit, how much is left)
 * @param retryAfterSeconds when denied, how long until a retry can succeed; 0 otherwise
 */
public record LimitsDecision(boolean allowed, List<String> reasons, long retryAfterSeconds) {
    public LimitsDecision {
        reasons = List.copyOf(reasons);
    }
}
