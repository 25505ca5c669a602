package io.gatewaystack.limits.agent;

/**
 * A store's answer to a {@link WorkflowCall}.
 *
 * @param verdict          admitted, refused by a cap, or the store could not answer (fail closed)
 * @param cap              the cap that refused, or null
 * @param retryAfterMillis when refused, how long until the same call can pass (the loop window moving on, or the
 *                         workflow expiring); 0 otherwise
 * @param calls            the workflow's calls so far (including this one when admitted)
 * @param costMicros       the workflow's accumulated cost so far
 * @param repeats          identical calls within the loop window (including this one when admitted); 0 without a
 *                         loop check
 * @param degraded         true when the local fallback answered because the shared store failed
 */
public record GuardOutcome(Verdict verdict, Cap cap, long retryAfterMillis, long calls, long costMicros, long repeats,
                           boolean degraded) {

    public enum Verdict { ADMITTED, REFUSED, STORE_UNAVAILABLE }

    static GuardOutcome admitted(long calls, long costMicros, long repeats) {
        return new GuardOutcome(Verdict.ADMITTED, null, 0, calls, costMicros, repeats, false);
    }

    static GuardOutcome refused(Cap cap, long retryAfterMillis, long calls, long costMicros, long repeats) {
        return new GuardOutcome(Verdict.REFUSED, cap, Math.max(1, retryAfterMillis), calls, costMicros, repeats, false);
    }

    static GuardOutcome unavailable() {
        return new GuardOutcome(Verdict.STORE_UNAVAILABLE, null, 0, 0, 0, 0, false);
    }

    public boolean admitted() {
        return verdict == Verdict.ADMITTED;
    }

    GuardOutcome asDegraded() {
        return new GuardOutcome(verdict, cap, retryAfterMillis, calls, costMicros, repeats, true);
    }
}
