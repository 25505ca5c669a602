package io.gatewaystack.limits.agent;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.StoreKind;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the agent guard is configured with. Built by code; the server maps {@code limits.agent_guard} onto it
 * and takes the store settings from the limits section (docs/layers/limits.md).
 *
 * @param enabled        whether the server puts the guard into its chains
 * @param header         the request header naming the workflow, e.g. {@code X-Workflow-Id}
 * @param caps           the caps of every workflow
 * @param store          where workflows live
 * @param redisUrl       the Redis URL when {@code store} is {@link StoreKind#REDIS}, else ignored
 * @param redisKeyPrefix prepended to every Redis key (the guard's keys then start with {@code wf:})
 * @param failureMode    what to do when Redis fails or is slow
 * @param redisTimeout   the longest a Redis command may take before it counts as failed
 * @param sweepInterval  how often the in-memory store drops expired workflows (also the fallback store)
 * @param currency       the unit of the cost cap and of {@code RequestContext.usage().costMicros()} (the price
 *                       table's), named in error descriptions
 */
public record AgentGuardConfig(
        boolean enabled,
        String header,
        WorkflowCaps caps,
        StoreKind store,
        String redisUrl,
        String redisKeyPrefix,
        FailureMode failureMode,
        Duration redisTimeout,
        Duration sweepInterval,
        String currency) {

    /** The default workflow header. */
    public static final String DEFAULT_HEADER = "X-Workflow-Id";

    public AgentGuardConfig {
        Objects.requireNonNull(header, "header");
        if (!header.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
            throw new IllegalArgumentException("the workflow header must be an HTTP header name, got '" + header + "'");
        }
        Objects.requireNonNull(caps, "caps");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(redisKeyPrefix, "redisKeyPrefix");
        Objects.requireNonNull(failureMode, "failureMode");
        Objects.requireNonNull(redisTimeout, "redisTimeout");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        Objects.requireNonNull(currency, "currency");
        if (store == StoreKind.REDIS && (redisUrl == null || redisUrl.isBlank())) {
            throw new IllegalArgumentException("the redis store needs a redis URL");
        }
    }

    /** Enabled, {@code X-Workflow-Id}, in memory, fail open, 200 ms Redis timeout, 10 s sweep, USD. */
    public static AgentGuardConfig of(WorkflowCaps caps) {
        return new AgentGuardConfig(true, DEFAULT_HEADER, caps, StoreKind.MEMORY, null, "gs:limits:",
                FailureMode.FAIL_OPEN, Duration.ofMillis(200), Duration.ofSeconds(10), "USD");
    }

    /** Off: the server leaves the guard out. */
    public static AgentGuardConfig disabled() {
        AgentGuardConfig on = of(new WorkflowCaps(0, 0, 0, 0, 0, 1));
        return new AgentGuardConfig(false, on.header, on.caps, on.store, null, on.redisKeyPrefix, on.failureMode,
                on.redisTimeout, on.sweepInterval, on.currency);
    }

    public AgentGuardConfig withHeader(String name) {
        return new AgentGuardConfig(enabled, name, caps, store, redisUrl, redisKeyPrefix, failureMode, redisTimeout,
                sweepInterval, currency);
    }

    /** Costs in this currency (the price table's). */
    public AgentGuardConfig withCurrency(String unit) {
        return new AgentGuardConfig(enabled, header, caps, store, redisUrl, redisKeyPrefix, failureMode, redisTimeout,
                sweepInterval, unit);
    }

    /** The shared Redis store with this prefix, failure policy and command timeout. */
    public AgentGuardConfig withRedis(String url, String prefix, FailureMode mode, Duration timeout) {
        return new AgentGuardConfig(enabled, header, caps, StoreKind.REDIS, url, prefix, mode, timeout, sweepInterval,
                currency);
    }
}
