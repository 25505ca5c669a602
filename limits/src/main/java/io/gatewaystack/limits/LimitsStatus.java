package io.gatewaystack.limits;

import io.gatewaystack.limits.store.RateState;

import java.util.List;

/**
 * Where every applicable rate rule stands after this request, for the response headers. The limits layer stores it
 * in {@link io.gatewaystack.core.RequestContext#attributes()} under {@link LimitsLayer#STATUS_ATTRIBUTE}, on
 * admitted and on rate-limited requests; {@link RateLimitHeaders} renders it.
 *
 * @param rates one entry per rule that applied, in configuration order
 */
public record LimitsStatus(List<RateState> rates) {
    public LimitsStatus {
        rates = List.copyOf(rates);
    }
}
