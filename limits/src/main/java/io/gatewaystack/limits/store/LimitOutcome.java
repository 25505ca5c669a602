package io.gatewaystack.limits.store;

import java.util.List;

/**
 * A store's answer to a {@link LimitRequest}.
 *
 * @param verdict          admitted, or why not
 * @param deniedBy         the name of the first rule that denied ({@code concurrency} for the concurrency check),
 *                         or null
 * @param retryAfterMillis when denied, how long until a retry can pass every rule that denied; 0 otherwise
 * @param rates            per rule, where it stands (after charging, when admitted); empty when unavailable
 * @param reservation      what to release when the request completes; null unless admitted
 * @param degraded         true when the local fallback answered because the shared store failed
 */
public record LimitOutcome(Verdict verdict, String deniedBy, long retryAfterMillis, List<RateState> rates,
                           Reservation reservation, boolean degraded) {

    /** The name {@link #deniedBy()} uses for the concurrency check. */
    public static final String CONCURRENCY = "concurrency";

    public enum Verdict { ADMITTED, RATE_LIMITED, CONCURRENCY_LIMITED, STORE_UNAVAILABLE }

    public LimitOutcome {
        rates = List.copyOf(rates);
    }

    public static LimitOutcome unavailable() {
        return new LimitOutcome(Verdict.STORE_UNAVAILABLE, null, 0, List.of(), null, false);
    }

    public boolean admitted() {
        return verdict == Verdict.ADMITTED;
    }

    LimitOutcome asDegraded() {
        Reservation r = reservation == null || reservation.isEmpty() ? reservation
                : new Reservation(reservation.concurrencyKey(), reservation.holder(), true);
        return new LimitOutcome(verdict, deniedBy, retryAfterMillis, rates, r, true);
    }
}
