package io.gatewaystack.limits.store;

import io.gatewaystack.limits.RateLimitRule;

/**
 * Where one rule stands for one request, for the response headers.
 *
 * @param rule        the rule
 * @param remaining   requests still admitted in the current window after this one (0 when denied)
 * @param resetMillis milliseconds until the oldest counted request leaves the window, i.e. until one more request
 *                    becomes available; 0 when nothing is counted
 */
public record RateState(RateLimitRule rule, long remaining, long resetMillis) {
}
