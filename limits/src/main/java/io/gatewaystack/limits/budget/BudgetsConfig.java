package io.gatewaystack.limits.budget;

import io.gatewaystack.limits.FailureMode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Money budgets and token limits.
 *
 * @param rules          every rule; names unique (and distinct from the rate limit rules' names)
 * @param reservationTtl how long an unsettled reservation holds budget (a request whose gateway died); must exceed
 *                       the longest request, streams included
 * @param failureMode    what pre-flight does when the shared store fails
 * @param spoolFile      where settlements that could not reach the shared store wait (null: memory only)
 * @param currency       the price table's currency, shown in headers and usage reads
 */
public record BudgetsConfig(List<BudgetRule> rules, Duration reservationTtl, FailureMode failureMode, Path spoolFile,
                            String currency) {

    public BudgetsConfig {
        rules = List.copyOf(rules);
        Set<String> names = new HashSet<>();
        for (BudgetRule rule : rules) {
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("two budgets or token limits are named " + rule.name());
            }
        }
        Objects.requireNonNull(reservationTtl, "reservationTtl");
        if (reservationTtl.toMillis() < 1000) {
            throw new IllegalArgumentException("reservationTtl must be at least one second");
        }
        Objects.requireNonNull(failureMode, "failureMode");
        Objects.requireNonNull(currency, "currency");
    }

    /** No budgets. */
    public static final BudgetsConfig NONE = new BudgetsConfig(List.of(), Duration.ofMinutes(15), FailureMode.FAIL_OPEN,
            null, "USD");

    public static BudgetsConfig of(List<BudgetRule> rules) {
        return new BudgetsConfig(rules, Duration.ofMinutes(15), FailureMode.FAIL_OPEN, null, "USD");
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }
}
