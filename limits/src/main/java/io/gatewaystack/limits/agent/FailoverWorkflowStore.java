package io.gatewaystack.limits.agent;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.store.FailureLog;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The limits layer's failure policy around the shared workflow store: when it fails or times out, either check
 * the call in a local in-memory store instead ({@link FailureMode#FAIL_OPEN}; the outcome is marked degraded) or
 * answer {@link GuardOutcome.Verdict#STORE_UNAVAILABLE} ({@link FailureMode#FAIL_CLOSED}, 503).
 *
 * <p>A degraded call's cost goes to the local store too ({@link #addCost(String, long, boolean)}). A failed cost
 * update of the shared store is logged and dropped: the workflow's cost is then undercounted by that call.
 */
public final class FailoverWorkflowStore implements WorkflowStore {

    private final WorkflowStore primary;
    private final MemoryWorkflowStore fallback;
    private final FailureMode mode;
    private final FailureLog failureLog;

    public FailoverWorkflowStore(WorkflowStore primary, MemoryWorkflowStore fallback, FailureMode mode) {
        this.primary = Objects.requireNonNull(primary, "primary");
        this.fallback = Objects.requireNonNull(fallback, "fallback");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.failureLog = new FailureLog("agent guard store", mode);
    }

    @Override
    public CompletionStage<GuardOutcome> check(WorkflowCall call) {
        return failureLog.call("check", () -> primary.check(call),
                failure -> mode == FailureMode.FAIL_OPEN
                        ? fallback.checkNow(call).asDegraded()
                        : GuardOutcome.unavailable());
    }

    @Override
    public CompletionStage<Void> addCost(String workflowKey, long costMicros) {
        return addCost(workflowKey, costMicros, false);
    }

    /** Adds the cost to the store that admitted the call: the local one when the check was degraded. */
    @Override
    public CompletionStage<Void> addCost(String workflowKey, long costMicros, boolean degraded) {
        if (degraded) {
            fallback.addCostNow(workflowKey, costMicros);
            return CompletableFuture.completedFuture(null);
        }
        return failureLog.call("cost update", () -> primary.addCost(workflowKey, costMicros),
                failure -> null);
    }

    /** How many shared-store calls failed since start; for metrics and tests. */
    public long failures() {
        return failureLog.count();
    }

    /** The local store used while the shared one is failing. */
    public MemoryWorkflowStore fallback() {
        return fallback;
    }


    @Override
    public void close() {
        primary.close();
        fallback.close();
    }
}
