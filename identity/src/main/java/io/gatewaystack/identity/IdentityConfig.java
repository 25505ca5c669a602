package io.gatewaystack.identity;

import java.time.Duration;
import java.util.List;

/**
 * Configuration of the identity layer.
 *
 * @param issuers          trusted issuers; a token is checked against the one whose {@code iss} it names
 * @param jwksCacheTtl     how long a fetched JWKS is used before it is fetched again
 * @param jwksRefreshMinInterval the least time between two fetches of one JWKS, however many unknown
 *                         {@code kid}s arrive (protects the IdP from a flood of random kids)
 * @param jwksHttpTimeout  connect and read timeout of JWKS and discovery fetches
 * @param maxTokenLength   longer tokens are rejected before any parsing
 * @param tokenCacheSize   how many verified tokens to remember (0 disables the cache)
 */
public record IdentityConfig(
        List<IssuerConfig> issuers,
        Duration jwksCacheTtl,
        Duration jwksRefreshMinInterval,
        Duration jwksHttpTimeout,
        int maxTokenLength,
        int tokenCacheSize) {

    public IdentityConfig {
        issuers = List.copyOf(issuers);
    }

    public static IdentityConfig of(List<IssuerConfig> issuers) {
        return new IdentityConfig(issuers, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(3),
                8192, 10_000);
    }
}
