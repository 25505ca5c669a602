package io.gatewaystack.limits.budget;

import java.util.List;
import java.util.Objects;

/**
 * Everything one request reserves, as a whole: either every counter has room and every one is charged, or none is.
 *
 * @param holder         a unique id of the request (the request id), naming its reservation on every counter
 * @param checks         the counters to reserve on
 * @param reservationTtl how long the reservation lives if nobody settles it (a request that died with its gateway),
 *                       in milliseconds; after that the store gives the reserved amount back by itself
 */
public record BudgetRequest(String holder, List<BudgetCheck> checks, long reservationTtl) {
    public BudgetRequest {
        Objects.requireNonNull(holder, "holder");
        checks = List.copyOf(checks);
        if (reservationTtl < 1) {
            throw new IllegalArgumentException("reservationTtl must be at least 1 ms");
        }
    }

    public boolean isEmpty() {
        return checks.isEmpty();
    }
}
