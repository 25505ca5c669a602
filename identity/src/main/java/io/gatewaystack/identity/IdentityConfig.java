package io.gatewaystack.identity;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
        if (issuers == null || issuers.isEmpty()) {
            throw new IllegalArgumentException("issuers must not be empty");
        }
        issuers = List.copyOf(issuers);
        Set<String> seen = new HashSet<>();
        for (IssuerConfig issuer : issuers) {
            if (!seen.add(issuer.normalizedIssuer())) {
                throw new IllegalArgumentException("issuers must not list the same issuer twice: " + issuer.issuer());
            }
        }
        requirePositive(jwksCacheTtl, "jwksCacheTtl");
        if (jwksRefreshMinInterval == null || jwksRefreshMinInterval.isNegative()) {
            throw new IllegalArgumentException("jwksRefreshMinInterval must be zero or positive");
        }
        requirePositive(jwksHttpTimeout, "jwksHttpTimeout");
        if (maxTokenLength <= 0) {
            throw new IllegalArgumentException("maxTokenLength must be positive");
        }
        if (tokenCacheSize < 0) {
            throw new IllegalArgumentException("tokenCacheSize must be zero (disabled) or positive");
        }
    }

    public static IdentityConfig of(List<IssuerConfig> issuers) {
        return new IdentityConfig(issuers, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofSeconds(3),
                8192, 10_000);
    }

    private static void requirePositive(Duration value, String field) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive");
        }
    }
}
