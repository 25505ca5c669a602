package io.gatewaystack.limits.store;

import java.time.Duration;
import java.util.Objects;

/**
 * At most {@code max} requests of one key (a user) in flight at once.
 *
 * @param key      the counter's key
 * @param max      the cap, at least 1
 * @param leaseTtl how long a slot is held at most when nobody releases it (a crashed gateway); a safety net only
 *                 the Redis store needs, since a process that dies takes its in-memory slots with it
 */
public record ConcurrencyCheck(String key, int max, Duration leaseTtl) {
    public ConcurrencyCheck {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1");
        }
        if (leaseTtl.toMillis() < 1) {
            throw new IllegalArgumentException("leaseTtl must be at least 1 ms");
        }
    }
}
