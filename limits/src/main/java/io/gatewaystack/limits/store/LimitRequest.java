package io.gatewaystack.limits.store;

import java.util.List;
import java.util.Objects;

/**
 * Everything one request must pass, checked and reserved as a whole: either every check passes and every counter
 * is charged, or nothing is charged.
 *
 * @param holder      a unique id of the request (the request id), naming its concurrency slot
 * @param rates       the rate checks, in any order
 * @param concurrency the concurrency check, or null for none
 */
public record LimitRequest(String holder, List<RateCheck> rates, ConcurrencyCheck concurrency) {
    public LimitRequest {
        Objects.requireNonNull(holder, "holder");
        rates = List.copyOf(rates);
    }

    public boolean isEmpty() {
        return rates.isEmpty() && concurrency == null;
    }
}
