package io.gatewaystack.limits.agent;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The agent guard: caps per workflow (calls, duration since the first call, accumulated cost) and loop detection
 * (the same tool with the same arguments too often within a window), in memory or shared through Redis.
 *
 * <p>Usable alone: name the workflow ({@link WorkflowId#key} binds it to the verified user), fingerprint the call
 * ({@link CallFingerprint}), {@link #check} before the call and {@link #addCost} after it. In the gateway,
 * {@link #layer} makes the {@code Layer} that does this per request.
 */
public final class AgentGuard implements AutoCloseable {

    private final AgentGuardConfig config;
    private final WorkflowStore store;

    /** @param store the workflow store; this guard closes it in {@link #close()} */
    public AgentGuard(AgentGuardConfig config, WorkflowStore store) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
    }

    /** A guard on the store the configuration asks for ({@link WorkflowStores}). */
    public static AgentGuard open(AgentGuardConfig config) {
        return new AgentGuard(config, new WorkflowStores().open(config));
    }

    public AgentGuardConfig config() {
        return config;
    }

    public WorkflowStore store() {
        return store;
    }

    /**
     * Checks one call of a workflow against its caps and counts it if they all pass.
     *
     * @param workflowKey {@link WorkflowId#key} of the workflow for the verified user
     * @param fingerprint {@link CallFingerprint#of} for tool calls (loop check), or null
     */
    public CompletionStage<GuardOutcome> check(String workflowKey, String fingerprint) {
        return store.check(new WorkflowCall(workflowKey, fingerprint, config.caps()));
    }

    /** Adds a completed call's cost to its workflow (asynchronous; failures are logged by the store). */
    public CompletionStage<Void> addCost(String workflowKey, long costMicros, boolean degraded) {
        return store.addCost(workflowKey, costMicros, degraded);
    }

    /**
     * The layer for one kind of route.
     *
     * @param arguments where the route's tool calls keep their arguments (loop check), or null for routes without
     *                  a sound notion of "the same call" (LLM routes: calls, cost and duration only)
     * @param sessions  the route's verified sessions, which name a workflow when no workflow header is sent
     */
    public AgentGuardLayer layer(ToolArguments arguments, SessionSource sessions) {
        return new AgentGuardLayer(this, arguments, sessions);
    }

    @Override
    public void close() {
        store.close();
    }
}
