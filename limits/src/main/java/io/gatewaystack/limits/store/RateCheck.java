package io.gatewaystack.limits.store;

import io.gatewaystack.limits.RateLimitRule;

import java.util.Objects;

/**
 * One rule applied to one request: the counter named {@code key} may admit at most {@code rule.max()} requests in
 * any window of {@code rule.window()}.
 *
 * @param rule the rule
 * @param key  the counter's key, unique per rule and key-part values (see {@link io.gatewaystack.limits.LimitKeys})
 */
public record RateCheck(RateLimitRule rule, String key) {
    public RateCheck {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(key, "key");
    }
}
