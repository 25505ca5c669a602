package io.gatewaystack.limits.agent;

/**
 * The caps every workflow gets, in the units the stores count in. A cap of 0 is off.
 *
 * @param maxCalls          the most calls one workflow may make
 * @param maxDurationMillis how long after its first call a workflow may still call
 * @param maxCostMicros     the cost (millionths of the currency unit) after which the next call is refused
 * @param loopMaxRepeats    the most calls of one tool with the same arguments within {@code loopWindowMillis}
 * @param loopWindowMillis  the window of the loop check
 * @param idleTtlMillis     a workflow with no admitted call for this long is forgotten (its id starts afresh)
 */
public record WorkflowCaps(long maxCalls, long maxDurationMillis, long maxCostMicros, int loopMaxRepeats,
                           long loopWindowMillis, long idleTtlMillis) {

    public WorkflowCaps {
        if (maxCalls < 0 || maxDurationMillis < 0 || maxCostMicros < 0 || loopMaxRepeats < 0) {
            throw new IllegalArgumentException("workflow caps must be 0 (off) or more");
        }
        if (loopMaxRepeats > 0 && loopWindowMillis <= 0) {
            throw new IllegalArgumentException("the loop check needs a positive window");
        }
        if (idleTtlMillis <= 0) {
            throw new IllegalArgumentException("the workflow idle TTL must be positive");
        }
    }

    /** Whether the loop check is on. */
    public boolean loopCheck() {
        return loopMaxRepeats > 0;
    }

    /** The value of one cap, in its unit (calls, ms, micros, repeats). */
    public long limitOf(Cap cap) {
        return switch (cap) {
            case CALLS -> maxCalls;
            case DURATION -> maxDurationMillis;
            case COST -> maxCostMicros;
            case LOOP -> loopMaxRepeats;
        };
    }
}
