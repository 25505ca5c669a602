package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.KeyPart;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * "At most {@code cap} of {@code meter} per {@code period}" for each distinct combination of the key parts: a money
 * budget ({@link Meter#COST}, cap in micro-units) or a token limit (a token meter, cap in tokens).
 *
 * <p>Hierarchy comes from having several rules: a request charges every rule that applies to it at once, so with a
 * per-user rule and a per-org rule, a user's spend also counts against their org's budget, and either one running out
 * stops the request. Like rate limit rules, a rule applies only to requests with a value for every key part.
 *
 * @param name     stable name, shown in headers and in 429 bodies; letters, digits and {@code _ . : -}
 * @param keyParts what the counter is keyed on; at least one, no duplicates
 * @param meter    what is counted
 * @param cap      the most that may be charged per period (micro-units for money), at least 1
 * @param period   when the counter resets
 */
public record BudgetRule(String name, List<KeyPart> keyParts, Meter meter, long cap, BudgetPeriod period) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public BudgetRule {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("budget name must match " + NAME + ": " + name);
        }
        keyParts = List.copyOf(keyParts);
        if (keyParts.isEmpty()) {
            throw new IllegalArgumentException("budget " + name + " needs at least one key part");
        }
        if (keyParts.stream().distinct().count() != keyParts.size()) {
            throw new IllegalArgumentException("budget " + name + " names a key part twice");
        }
        Objects.requireNonNull(meter, "meter");
        Objects.requireNonNull(period, "period");
        if (cap < 1) {
            throw new IllegalArgumentException("budget " + name + ": cap must be at least 1");
        }
    }

    /** A money budget of {@code usd} (in the price table's currency) per period. */
    public static BudgetRule money(String name, List<KeyPart> keyParts, double usd, BudgetPeriod period) {
        return new BudgetRule(name, keyParts, Meter.COST, Math.round(usd * 1_000_000), period);
    }
}
