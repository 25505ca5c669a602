package io.gatewaystack.limits.agent;

import java.util.concurrent.CompletionStage;

/**
 * Where workflow state lives: calls, first and last call time, accumulated cost, and the recent identical calls
 * for the loop check.
 *
 * <p>{@link #check} is atomic: it checks every cap and, only if all pass, counts the call (so concurrent calls of
 * one workflow never exceed the call cap). {@link #addCost} adds what a completed call cost; the cost cap is checked
 * by the next {@code check}, so one call (or all calls in flight at once) can overshoot it.
 *
 * <p>Implementations never block the calling thread for I/O; a stage may complete exceptionally when the store
 * fails ({@link FailoverWorkflowStore} applies the failure policy).
 */
public interface WorkflowStore extends AutoCloseable {

    /** Checks the call against the workflow's caps and, if all pass, counts it. */
    CompletionStage<GuardOutcome> check(WorkflowCall call);

    /**
     * Adds a completed call's cost to its workflow; nothing happens when the workflow expired meanwhile. Never
     * throws.
     */
    CompletionStage<Void> addCost(String workflowKey, long costMicros);

    /**
     * {@link #addCost(String, long)} for a call whose check was answered {@link GuardOutcome#degraded() degraded}:
     * a store with a local fallback adds it there, where the call was counted.
     */
    default CompletionStage<Void> addCost(String workflowKey, long costMicros, boolean degraded) {
        return addCost(workflowKey, costMicros);
    }

    @Override
    void close();
}
