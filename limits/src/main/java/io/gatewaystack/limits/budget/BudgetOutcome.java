package io.gatewaystack.limits.budget;

import java.util.List;

/**
 * A store's answer to a {@link BudgetRequest}.
 *
 * @param verdict          admitted, or why not
 * @param deniedBy         the first rule without room for the request, or null
 * @param retryAfterMillis when denied, the time until the denying counters' periods reset; 0 otherwise
 * @param states           where every counter stands; empty when the store was unavailable
 * @param hold             what to settle when the request completes; null unless admitted
 * @param degraded         true when the local fallback answered because the shared store failed
 */
public record BudgetOutcome(Verdict verdict, BudgetRule deniedBy, long retryAfterMillis, List<BudgetState> states,
                            BudgetHold hold, boolean degraded) {

    public enum Verdict { ADMITTED, EXCEEDED, STORE_UNAVAILABLE }

    public BudgetOutcome {
        states = List.copyOf(states);
    }

    public static BudgetOutcome unavailable() {
        return new BudgetOutcome(Verdict.STORE_UNAVAILABLE, null, 0, List.of(), null, false);
    }

    public boolean admitted() {
        return verdict == Verdict.ADMITTED;
    }

    BudgetOutcome asDegraded() {
        return new BudgetOutcome(verdict, deniedBy, retryAfterMillis, states, hold == null ? null : hold.asDegraded(),
                true);
    }
}
