package io.gatewaystack.spring;

import io.gatewaystack.limits.LimitStores;
import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.LimitsLayer;
import io.gatewaystack.limits.RateLimitRule;
import io.gatewaystack.limits.store.LimitStore;
import java.time.Duration;
import java.util.List;

/**
 * The limits layer and its store (in memory, or Redis so that every replica counts against one limit), or nothing
 * when no limit is configured. The store is closed at shutdown.
 */
public final class LimitsRuntime implements AutoCloseable {

    private final LimitsLayer layer;
    private final LimitStore store;

    private LimitsRuntime(LimitsLayer layer, LimitStore store) {
        this.layer = layer;
        this.store = store;
    }

    static LimitsRuntime open(GatewayStackProperties.Limits limits) {
        List<RateLimitRule> rules;
        LimitsConfig config;
        try {
            rules = limits.rules().stream().map(r -> {
                if (r.window() == null) {
                    throw new IllegalArgumentException("rule " + r.name() + " needs a window (e.g. 1m)");
                }
                return new RateLimitRule(r.name(), r.key(), r.max(), r.window());
            }).toList();
            config = LimitsConfig.of(rules)
                    .withConcurrencyPerUser(limits.maxConcurrentPerUser(), Duration.ofMinutes(10))
                    .withFailureMode(limits.failureMode())
                    .withRedisKeyPrefix(limits.redisKeyPrefix())
                    .withRedisTimeout(limits.redisTimeout());
            if (limits.redisUrl() != null && !limits.redisUrl().isBlank()) {
                config = config.withRedis(limits.redisUrl());
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("gatewaystack.limits: " + e.getMessage(), e);
        }
        if (config.isEmpty()) {
            return new LimitsRuntime(null, null);
        }
        LimitStore store = new LimitStores().open(config);
        return new LimitsRuntime(new LimitsLayer(config, store), store);
    }

    /** The layer, or null when no limit is configured. */
    public LimitsLayer layer() {
        return layer;
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
