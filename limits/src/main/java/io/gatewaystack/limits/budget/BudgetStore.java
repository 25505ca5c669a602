package io.gatewaystack.limits.budget;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where budget and token counters live. Two phases, as the seed describes them:
 *
 * <ol>
 *   <li><b>Pre-flight</b>, {@link #reserve}: for every counter, {@code spent + reserved + amount <= cap}? If all have
 *       room, reserve the amount on all of them, atomically; otherwise reserve nothing.</li>
 *   <li><b>Accounting</b>, {@link #settle}: when the request completes, drop its reservation and add what it really
 *       used to {@code spent}. Settling is idempotent per holder, so a retried settlement never charges twice.</li>
 * </ol>
 *
 * <p>A reservation nobody settles (its gateway died) expires after the request's {@code reservationTtl}: the reserved
 * amount is given back. If the request's settlement arrives after that, it is still charged, once.
 *
 * <p>Implementations never block the calling thread for I/O.
 */
public interface BudgetStore extends AutoCloseable {

    CompletionStage<BudgetOutcome> reserve(BudgetRequest request);

    /**
     * Drops the holder's reservations and charges what it used (0 releases without charging). Completes
     * exceptionally when the store failed; the caller retries (settling is idempotent).
     */
    CompletionStage<Void> settle(Settlement settlement);

    /** Settles what {@code hold} reserved with what the call really used. */
    default CompletionStage<Void> settle(BudgetHold hold, Amounts used) {
        return settle(Settlement.of(hold, used));
    }

    /** Where each counter stands now, without charging anything (for usage reads). */
    CompletionStage<List<BudgetState>> read(List<BudgetCheck> checks);

    @Override
    void close();
}
