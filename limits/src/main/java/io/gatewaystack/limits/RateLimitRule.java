package io.gatewaystack.limits;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * "At most {@code max} requests in any window of {@code window}" for each distinct combination of the key parts.
 *
 * <p>Example: {@code new RateLimitRule("org-model", List.of(KeyPart.ORG, KeyPart.RESOURCE), 600, Duration.ofMinutes(1))}
 * gives every organisation 600 requests a minute per model. A rule applies only to requests that have a value for
 * every key part (an org rule does not apply to a user without an org; it never lumps them into one shared bucket).
 *
 * @param name     a stable name, shown in headers ({@code RateLimit-Policy}) and in the 429 body ({@code limit});
 *                 letters, digits and {@code _ . : -} only, so it needs no quoting anywhere
 * @param keyParts what the counter is keyed on; at least one, no duplicates
 * @param max      how many requests are admitted per window, at least 1
 * @param window   the sliding window, at least one millisecond
 */
public record RateLimitRule(String name, List<KeyPart> keyParts, int max, Duration window) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    public RateLimitRule {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rule name must match " + NAME + ": " + name);
        }
        keyParts = List.copyOf(keyParts);
        if (keyParts.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + " needs at least one key part");
        }
        if (keyParts.stream().distinct().count() != keyParts.size()) {
            throw new IllegalArgumentException("rule " + name + " names a key part twice");
        }
        if (max < 1) {
            throw new IllegalArgumentException("rule " + name + ": max must be at least 1");
        }
        Objects.requireNonNull(window, "window");
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("rule " + name + ": window must be at least 1 ms");
        }
    }

    /** The seed's {@code RATE_LIMIT_WINDOW_MS}/{@code RATE_LIMIT_MAX}: one counter per authenticated user. */
    public static RateLimitRule perUser(String name, int max, Duration window) {
        return new RateLimitRule(name, List.of(KeyPart.USER), max, window);
    }

    public long windowMillis() {
        return window.toMillis();
    }
}
