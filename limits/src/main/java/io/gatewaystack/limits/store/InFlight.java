package io.gatewaystack.limits.store;

/** The number of requests of one key in flight; the store locks the instance around every use. */
final class InFlight {
    int count;
    /** Set under the lock when the count dropped to zero and the entry left the map. */
    boolean evicted;
}
