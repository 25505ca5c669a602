package io.gatewaystack.limits;

import io.gatewaystack.limits.store.FailoverLimitStore;
import io.gatewaystack.limits.store.LimitStore;
import io.gatewaystack.limits.store.MemoryLimitStore;
import io.gatewaystack.limits.store.RedisLimitStore;

/** Opens the store a {@link LimitsConfig} asks for. The caller owns it and closes it at shutdown. */
public final class LimitStores {

    /**
     * The in-memory store, or the Redis store wrapped in the failure policy (with an in-memory fallback that the
     * fail-open mode counts in while Redis is away). Does not connect yet: the first request does, so the gateway
     * starts even while Redis is down.
     */
    public LimitStore open(LimitsConfig config) {
        MemoryLimitStore memory = new MemoryLimitStore(config.sweepInterval());
        if (config.store() == StoreKind.MEMORY) {
            return memory;
        }
        RedisLimitStore redis = new RedisLimitStore(config.redisUrl(), config.redisKeyPrefix(), config.redisTimeout());
        return new FailoverLimitStore(redis, memory, config.failureMode());
    }
}
