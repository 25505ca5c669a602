package io.gatewaystack.limits;

import io.gatewaystack.limits.store.Reservation;

/**
 * Connects a request's reservation with its completion so the slot is released exactly once, whichever comes
 * first: the store's answer (it may arrive on a Redis I/O thread) or the request's completion.
 */
final class Hold {

    private Reservation reservation;
    private boolean completed;

    /** Keeps the reservation for completion; false when the request already completed (release it now). */
    synchronized boolean attach(Reservation r) {
        if (completed) {
            return false;
        }
        reservation = r;
        return true;
    }

    /** Marks the request completed and hands over what must be released (null when nothing, or already done). */
    synchronized Reservation complete() {
        completed = true;
        Reservation r = reservation;
        reservation = null;
        return r;
    }
}
