package io.gatewaystack.limits;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the limits layer is configured with. Built by code; the server maps its YAML onto it (the proposed
 * shape is in docs/layers/limits.md).
 *
 * @param rules                the rate limit rules; every applicable one must pass; names unique
 * @param maxConcurrentPerUser the most requests one user may have in flight at once; 0 for no cap
 * @param concurrencyLeaseTtl  how long a concurrency slot survives in Redis if nobody releases it (a crashed
 *                             gateway); must exceed the longest request (streams included)
 * @param store                where the counters live
 * @param redisUrl             the Redis URL when {@code store} is {@link StoreKind#REDIS}, else ignored
 * @param redisKeyPrefix       prepended to every Redis key
 * @param failureMode          what to do when Redis fails or is slow
 * @param redisTimeout         the longest a Redis command may take before it counts as failed
 * @param sweepInterval        how often the in-memory store drops idle counters (also the fallback store)
 */
public record LimitsConfig(
        List<RateLimitRule> rules,
        int maxConcurrentPerUser,
        Duration concurrencyLeaseTtl,
        StoreKind store,
        String redisUrl,
        String redisKeyPrefix,
        FailureMode failureMode,
        Duration redisTimeout,
        Duration sweepInterval) {

    /** The seed's defaults for {@code RATE_LIMIT_WINDOW_MS} and {@code RATE_LIMIT_MAX}. */
    public static final long SEED_WINDOW_MS = 60_000;
    public static final int SEED_MAX = 10;
    /** The name of the rule {@link #fromSeedEnvironment} builds. */
    public static final String SEED_RULE = "per-user";

    public LimitsConfig {
        rules = List.copyOf(rules);
        Set<String> names = new HashSet<>();
        for (RateLimitRule rule : rules) {
            if (!names.add(rule.name())) {
                throw new IllegalArgumentException("two rate limit rules are named " + rule.name());
            }
        }
        if (maxConcurrentPerUser < 0) {
            throw new IllegalArgumentException("maxConcurrentPerUser must be 0 (off) or more");
        }
        Objects.requireNonNull(concurrencyLeaseTtl, "concurrencyLeaseTtl");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(redisKeyPrefix, "redisKeyPrefix");
        Objects.requireNonNull(failureMode, "failureMode");
        Objects.requireNonNull(redisTimeout, "redisTimeout");
        Objects.requireNonNull(sweepInterval, "sweepInterval");
        if (store == StoreKind.REDIS && (redisUrl == null || redisUrl.isBlank())) {
            throw new IllegalArgumentException("the redis store needs a redis URL");
        }
    }

    /** In memory, no concurrency cap, fail open, 200 ms Redis timeout, 10 min lease TTL, 10 s sweep. */
    public static LimitsConfig of(List<RateLimitRule> rules) {
        return new LimitsConfig(rules, 0, Duration.ofMinutes(10), StoreKind.MEMORY, null, "gs:limits:",
                FailureMode.FAIL_OPEN, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /**
     * The seed's meaning of {@code RATE_LIMIT_WINDOW_MS} (default 60000) and {@code RATE_LIMIT_MAX} (default 10):
     * one rule, per authenticated user ({@code sub}), never per IP. {@code REDIS_URL}, when set, selects the Redis
     * store (fail open, as the seed's pre-flight did).
     */
    public static LimitsConfig fromSeedEnvironment(Map<String, String> env) {
        long windowMs = parse(env, "RATE_LIMIT_WINDOW_MS", SEED_WINDOW_MS);
        long max = parse(env, "RATE_LIMIT_MAX", SEED_MAX);
        if (max > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("RATE_LIMIT_MAX is too large: " + max);
        }
        LimitsConfig config = of(List.of(RateLimitRule.perUser(SEED_RULE, (int) max, Duration.ofMillis(windowMs))));
        String redisUrl = env.get("REDIS_URL");
        return redisUrl == null || redisUrl.isBlank() ? config : config.withRedis(redisUrl);
    }

    private static long parse(Map<String, String> env, String name, long fallback) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number: " + raw, e);
        }
    }

    public LimitsConfig withRedis(String url) {
        return new LimitsConfig(rules, maxConcurrentPerUser, concurrencyLeaseTtl, StoreKind.REDIS, url,
                redisKeyPrefix, failureMode, redisTimeout, sweepInterval);
    }

    public LimitsConfig withConcurrencyPerUser(int max, Duration leaseTtl) {
        return new LimitsConfig(rules, max, leaseTtl, store, redisUrl, redisKeyPrefix, failureMode, redisTimeout,
                sweepInterval);
    }

    public LimitsConfig withFailureMode(FailureMode mode) {
        return new LimitsConfig(rules, maxConcurrentPerUser, concurrencyLeaseTtl, store, redisUrl, redisKeyPrefix,
                mode, redisTimeout, sweepInterval);
    }

    public LimitsConfig withRedisTimeout(Duration timeout) {
        return new LimitsConfig(rules, maxConcurrentPerUser, concurrencyLeaseTtl, store, redisUrl, redisKeyPrefix,
                failureMode, timeout, sweepInterval);
    }

    public LimitsConfig withRedisKeyPrefix(String prefix) {
        return new LimitsConfig(rules, maxConcurrentPerUser, concurrencyLeaseTtl, store, redisUrl, prefix,
                failureMode, redisTimeout, sweepInterval);
    }

    /** True when there is nothing to enforce, so the server can leave the layer out. */
    public boolean isEmpty() {
        return rules.isEmpty() && maxConcurrentPerUser == 0;
    }
}
