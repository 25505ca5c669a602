package io.gatewaystack.limits.agent;

import io.gatewaystack.limits.StoreKind;

/** Opens the workflow store an {@link AgentGuardConfig} asks for. The caller owns it and closes it. */
public final class WorkflowStores {

    /**
     * The in-memory store, or the Redis store wrapped in the failure policy with an in-memory fallback. Does not
     * connect yet: the first call does, so the gateway starts even while Redis is down.
     */
    public WorkflowStore open(AgentGuardConfig config) {
        MemoryWorkflowStore memory = new MemoryWorkflowStore(config.sweepInterval());
        if (config.store() == StoreKind.MEMORY) {
            return memory;
        }
        RedisWorkflowStore redis = new RedisWorkflowStore(config.redisUrl(), config.redisKeyPrefix(),
                config.redisTimeout());
        return new FailoverWorkflowStore(redis, memory, config.failureMode());
    }
}
