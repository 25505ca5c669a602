package io.gatewaystack.server.config;

import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.StoreKind;
import io.gatewaystack.limits.agent.AgentGuardConfig;
import io.gatewaystack.limits.agent.WorkflowCaps;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads {@code limits.agent_guard}: the agent guard's caps per workflow. The store (memory or Redis, URL, key
 * prefix, failure mode, timeout) is the limits section's, so one Redis setting serves both; the cost cap is in the
 * price table's currency ({@code limits.currency}), given as {@code max_cost_usd} or {@code max_cost}.
 */
final class AgentGuardConfigReader {

    private static final long MAX_SECONDS = 30L * 86_400;

    private AgentGuardConfigReader() {
    }

    /** Disabled when the section is absent or says {@code enabled: false}. */
    static AgentGuardConfig read(ConfigNode n, LimitsConfig limits, String currency) {
        n.allowOnly(Set.of("enabled", "header", "max_calls", "max_duration_seconds", "max_cost_usd", "max_cost",
                "loop", "idle_ttl_seconds"));
        if (n.raw("max_cost_usd") != null && n.raw("max_cost") != null) {
            throw new ConfigException(n.keyOf("max_cost"), "give max_cost_usd or max_cost, not both");
        }
        if (!n.isPresent() || !n.bool("enabled", true)) {
            return AgentGuardConfig.disabled();
        }
        ConfigNode loop = n.child("loop").allowOnly(Set.of("max_repeats", "window_seconds"));
        WorkflowCaps caps;
        try {
            caps = new WorkflowCaps(
                    n.longValue("max_calls", 0, 0, 1_000_000_000),
                    n.seconds("max_duration_seconds", Duration.ZERO, 0, MAX_SECONDS).toMillis(),
                    costMicros(n, n.raw("max_cost") != null ? "max_cost" : "max_cost_usd"),
                    loop.integer("max_repeats", 5, 0, 100_000),
                    loop.seconds("window_seconds", Duration.ofMinutes(1), 1, 86_400).toMillis(),
                    n.seconds("idle_ttl_seconds", Duration.ofHours(1), 1, MAX_SECONDS).toMillis());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.path(), e.getMessage());
        }
        if (caps.maxCalls() == 0 && caps.maxDurationMillis() == 0 && caps.maxCostMicros() == 0 && !caps.loopCheck()) {
            throw new ConfigException(n.path(), "enables no cap: set max_calls, max_duration_seconds, max_cost_usd "
                    + "(or max_cost) or loop.max_repeats (or enabled: false)");
        }
        AgentGuardConfig config = AgentGuardConfig.of(caps).withCurrency(currency);
        try {
            config = config.withHeader(n.string("header", AgentGuardConfig.DEFAULT_HEADER));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.keyOf("header"), e.getMessage());
        }
        return limits.store() == StoreKind.REDIS
                ? config.withRedis(limits.redisUrl(), limits.redisKeyPrefix(), limits.failureMode(), limits.redisTimeout())
                : config;
    }

    /** A money amount in whole units (e.g. {@code 2.50}) as micros, rounded up; 0 when absent (off). */
    private static long costMicros(ConfigNode n, String name) {
        JsonNode v = n.raw(name);
        if (v == null) {
            return 0;
        }
        BigDecimal amount;
        try {
            amount = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(n.keyOf(name), "must be an amount such as 2.50, got '" + v.asString() + "'");
        }
        if (amount.signum() < 0 || amount.compareTo(BigDecimal.valueOf(1_000_000_000)) > 0) {
            throw new ConfigException(n.keyOf(name), "must be between 0 and 1000000000");
        }
        return amount.movePointRight(6).setScale(0, RoundingMode.CEILING).longValueExact();
    }
}
