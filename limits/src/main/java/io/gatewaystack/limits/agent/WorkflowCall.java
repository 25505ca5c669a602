package io.gatewaystack.limits.agent;

import java.util.Objects;

/**
 * One call to check against a workflow.
 *
 * @param workflowKey the workflow's store key ({@link WorkflowKeys#key}): already bound to the verified user
 * @param fingerprint the tool-and-arguments fingerprint for the loop check, or null (no loop check for this call)
 * @param caps        the caps to enforce
 */
public record WorkflowCall(String workflowKey, String fingerprint, WorkflowCaps caps) {
    public WorkflowCall {
        Objects.requireNonNull(workflowKey, "workflowKey");
        Objects.requireNonNull(caps, "caps");
    }
}
