package io.gatewaystack.limits;

import io.gatewaystack.limits.budget.Amounts;
import io.gatewaystack.limits.budget.BudgetHold;
import io.gatewaystack.limits.store.Reservation;

/**
 * Connects a request's reservations with its completion so each is given back exactly once, whichever comes first:
 * the store's answer (it may arrive on a Redis I/O thread) or the request's completion.
 *
 * <p>Two things can be held: the concurrency slot ({@link Reservation}) and the budget reservation
 * ({@link BudgetHold}, with the worst case it reserved).
 */
final class Hold {

    private Reservation reservation;
    private BudgetHold budget;
    private Amounts worstCase;
    private boolean completed;

    /** Keeps the reservation for completion; false when the request already completed (release it now). */
    synchronized boolean attach(Reservation r) {
        if (completed) {
            return false;
        }
        reservation = r;
        return true;
    }

    /** Keeps the budget hold for accounting; false when the request already completed (cancel it now). */
    synchronized boolean attach(BudgetHold hold, Amounts worst) {
        if (completed) {
            return false;
        }
        budget = hold;
        worstCase = worst;
        return true;
    }

    /** What completion must release and settle; each handed out once. */
    record Released(Reservation reservation, BudgetHold budget, Amounts worstCase) {
    }

    /** Marks the request completed and hands over what must be released and settled. */
    synchronized Released complete() {
        completed = true;
        Released r = new Released(reservation, budget, worstCase);
        reservation = null;
        budget = null;
        return r;
    }
}
