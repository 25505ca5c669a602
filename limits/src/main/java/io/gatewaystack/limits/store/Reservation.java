package io.gatewaystack.limits.store;

/**
 * What an admitted request holds until it completes and must give back through {@link LimitStore#release}.
 *
 * <p>Today that is the concurrency slot; rate limit slots are consumed, never given back. Budgets will add the
 * reserved amounts here and a {@code settle} step (see the package documentation).
 *
 * @param concurrencyKey the concurrency counter holding a slot, or null when none was taken
 * @param holder         the request id naming the slot, or null when none was taken
 * @param degraded       true when the local fallback store issued it because the shared store had failed
 */
public record Reservation(String concurrencyKey, String holder, boolean degraded) {

    /** Nothing held (an admitted request without a concurrency check). */
    public static final Reservation NONE = new Reservation(null, null, false);

    /** True when there is nothing to give back. */
    public boolean isEmpty() {
        return concurrencyKey == null;
    }
}
