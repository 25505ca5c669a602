package io.gatewaystack.limits.budget;

import java.util.Objects;

/**
 * One rule applied to one request in one period: reserve {@code amount} on the counter {@code key}, which may hold at
 * most {@code rule.cap()}.
 *
 * @param rule      the rule
 * @param key       the counter: the rule's key-part values and the period start, unique per period
 * @param amount    what to reserve now (the worst case of the call), 0 or more
 * @param periodEnd when the counter's period ends (epoch ms): the store lets the counter expire after it
 */
public record BudgetCheck(BudgetRule rule, String key, long amount, long periodEnd) {
    public BudgetCheck {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(key, "key");
        if (amount < 0) {
            throw new IllegalArgumentException("amount cannot be negative");
        }
    }
}
