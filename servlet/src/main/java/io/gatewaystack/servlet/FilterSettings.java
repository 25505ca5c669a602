package io.gatewaystack.servlet;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link GatewayStackFilter} runs its chain.
 *
 * @param awaitTimeout  the longest a request thread waits for a layer that answered {@link io.gatewaystack.core.Verdict#await}
 *                      (a JWKS fetch, a Redis round trip); past it the request gets 503 {@code unavailable}. Layers
 *                      have their own, shorter timeouts; this is the backstop that keeps a container thread from
 *                      waiting forever.
 * @param excludedPaths paths (relative to the context path) the filter lets through untouched: an exact path, or a
 *                      prefix ending in {@code /*} (e.g. {@code /actuator/*})
 */
public record FilterSettings(Duration awaitTimeout, List<String> excludedPaths) {

    public FilterSettings {
        Objects.requireNonNull(awaitTimeout, "awaitTimeout");
        if (awaitTimeout.isNegative() || awaitTimeout.isZero()) {
            throw new IllegalArgumentException("awaitTimeout must be positive");
        }
        excludedPaths = excludedPaths == null ? List.of() : List.copyOf(excludedPaths);
        for (String p : excludedPaths) {
            if (p == null || !p.startsWith("/")) {
                throw new IllegalArgumentException("excluded paths start with '/': " + p);
            }
        }
    }

    /** 10 s bounded wait, nothing excluded. */
    public static FilterSettings defaults() {
        return new FilterSettings(Duration.ofSeconds(10), List.of());
    }

    public FilterSettings withExcludedPaths(List<String> paths) {
        return new FilterSettings(awaitTimeout, paths);
    }

    public FilterSettings withAwaitTimeout(Duration timeout) {
        return new FilterSettings(timeout, excludedPaths);
    }

    /** True when {@code path} (context-relative) is excluded. */
    boolean excludes(String path) {
        for (String p : excludedPaths) {
            if (p.endsWith("/*") ? path.equals(p.substring(0, p.length() - 2)) || path.startsWith(p.substring(0, p.length() - 1))
                    : path.equals(p)) {
                return true;
            }
        }
        return false;
    }
}
