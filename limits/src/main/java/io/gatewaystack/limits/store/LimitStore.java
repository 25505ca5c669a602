package io.gatewaystack.limits.store;

import java.util.concurrent.CompletionStage;

/**
 * Where limit counters live: checks a request against every applicable limit and charges them, atomically.
 *
 * <p>The shape is reserve, then release: {@link #reserve} checks everything and, only if everything passes,
 * charges everything (a request denied by one rule consumes nothing of another); {@link #release} gives back what
 * a completed request held. Money and token budgets will extend this with amounts reserved up front and a
 * {@code settle(reservation, actualUsage)} step that charges the real cost and returns the rest.
 *
 * <p>Implementations never block the calling thread for I/O: a remote store returns a stage that completes on its
 * own I/O thread. A stage may complete exceptionally when the store fails; {@link FailoverLimitStore} turns that
 * into the configured failure policy.
 */
public interface LimitStore extends AutoCloseable {

    /** Checks every limit of the request and, if all pass, charges them all. */
    CompletionStage<LimitOutcome> reserve(LimitRequest request);

    /** Gives back what an admitted request held. Safe to call with an empty reservation; never throws. */
    CompletionStage<Void> release(Reservation reservation);

    @Override
    void close();
}
