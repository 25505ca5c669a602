package io.gatewaystack.limits.budget;

import java.util.List;
import java.util.Objects;

/**
 * What an admitted request reserved and must settle through {@link BudgetStore#settle} when it completes.
 *
 * @param holder   the request id the reservations are filed under
 * @param checks   the counters reserved on, with the amounts reserved
 * @param degraded true when the local fallback store issued it because the shared store had failed
 */
public record BudgetHold(String holder, List<BudgetCheck> checks, boolean degraded) {
    public BudgetHold {
        Objects.requireNonNull(holder, "holder");
        checks = List.copyOf(checks);
    }

    BudgetHold asDegraded() {
        return new BudgetHold(holder, checks, true);
    }
}
