package io.gatewaystack.limits.agent;

/**
 * The agent guard's decision on one request, kept in {@link AgentGuardLayer#DECISION_ATTRIBUTE} for audit and
 * metrics (the guard also adds a line to the request's {@code LimitsDecision}, which the audit event shows).
 *
 * @param allowed           whether the call went on
 * @param workflow          the workflow: the header's id, or {@code mcp-session:<short hash>}
 * @param cap               the cap that refused ({@code calls}, {@code duration}, {@code cost}, {@code loop}), or
 *                          null
 * @param calls             the workflow's calls so far
 * @param costMicros        the workflow's accumulated cost before this call
 * @param retryAfterSeconds when refused, the {@code Retry-After}; 0 otherwise
 * @param degraded          the shared store failed and this instance's local store decided
 */
public record GuardDecision(boolean allowed, String workflow, String cap, long calls, long costMicros,
                            long retryAfterSeconds, boolean degraded) {
}
