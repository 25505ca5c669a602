package io.gatewaystack.limits.budget;

/**
 * Where one counter stands: what is left of the cap (after this request's reservation, when admitted) and when the
 * period resets.
 *
 * @param rule        the rule
 * @param spent       settled charges in the current period
 * @param reserved    reservations of requests still in flight (this request's included, when admitted)
 * @param remaining   {@code cap - spent - reserved}, at least 0
 * @param resetMillis milliseconds until the period ends and the counter starts again from zero
 */
public record BudgetState(BudgetRule rule, long spent, long reserved, long remaining, long resetMillis) {

    /** The standing of a counter from its spent and reserved amounts: the remainder is derived, never below 0. */
    static BudgetState of(BudgetRule rule, long spent, long reserved, long resetMillis) {
        return new BudgetState(rule, spent, reserved, Math.max(0, rule.cap() - spent - reserved),
                Math.max(0, resetMillis));
    }
}
