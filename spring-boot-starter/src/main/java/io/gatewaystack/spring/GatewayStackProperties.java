package io.gatewaystack.spring;

import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.KeyPart;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gatewaystack.*}: what the starter puts in front of the application. Identity is required once the starter
 * is on; policy, limits and audit are each on when configured. Reference: docs/embedding.md.
 *
 * @param enabled       turn the whole filter off without removing the dependency
 * @param urlPatterns   servlet URL patterns the filter covers (default everything)
 * @param excludedPaths paths inside the application the filter lets through (exact, or a prefix ending in {@code /*})
 * @param awaitTimeout  the longest a request thread waits for a slow layer (JWKS fetch, Redis) before 503
 * @param order         the filter's position among the application's servlet filters
 * @param realm         the {@code realm} of {@code WWW-Authenticate} challenges; none when empty
 */
@ConfigurationProperties("gatewaystack")
public record GatewayStackProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("/*") List<String> urlPatterns,
        List<String> excludedPaths,
        @DefaultValue("10s") Duration awaitTimeout,
        @DefaultValue("0") int order,
        String realm,
        @DefaultValue Identity identity,
        @DefaultValue Policy policy,
        @DefaultValue Limits limits,
        @DefaultValue Audit audit) {

    public GatewayStackProperties {
        excludedPaths = excludedPaths == null ? List.of() : List.copyOf(excludedPaths);
    }

    /**
     * @param issuers        trusted token issuers (at least one)
     * @param requiredScopes scopes every request must carry (exact match), none by default
     */
    public record Identity(List<Issuer> issuers, List<String> requiredScopes) {
        public Identity {
            issuers = issuers == null ? List.of() : List.copyOf(issuers);
            requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
        }
    }

    /**
     * @param issuer     the expected {@code iss}
     * @param audiences  accepted {@code aud} values
     * @param jwksUri    the signing keys; default from the issuer's discovery document
     * @param algorithms allowed JWS algorithms; default RS256
     * @param roleClaims claims that hold roles; default {@code roles} and {@code realm_access.roles}
     */
    public record Issuer(String issuer, List<String> audiences, URI jwksUri, Set<String> algorithms, List<String> roleClaims) {}

    /**
     * @param path           a policy file or folder, or {@code classpath:...} for one file packaged with the
     *                       application; files on disk are hot-reloaded, classpath ones are not
     * @param reloadInterval how often files on disk are checked for changes
     */
    public record Policy(String path, @DefaultValue("2s") Duration reloadInterval) {}

    /**
     * @param rules                rate limit rules; every applicable one must pass
     * @param maxConcurrentPerUser the most requests one user may have in flight; 0 for no cap
     * @param redisUrl             shared counters in Redis (every replica sees one limit); in memory when empty
     * @param redisKeyPrefix       prefix of every Redis key
     * @param failureMode          {@code fail-open} or {@code fail-closed} while Redis is unreachable
     * @param redisTimeout         the longest a Redis command may take before it counts as failed
     */
    public record Limits(List<Rule> rules, @DefaultValue("0") int maxConcurrentPerUser, String redisUrl,
                         @DefaultValue("gs:limits:") String redisKeyPrefix,
                         @DefaultValue("fail-open") FailureMode failureMode,
                         @DefaultValue("200ms") Duration redisTimeout) {
        public Limits {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    /**
     * @param name   shown in {@code RateLimit-Policy} and in the 429 body
     * @param key    what the counter is keyed on: user, org, tenant, client, route (the request path)
     * @param max    requests per window
     * @param window the sliding window
     */
    public record Rule(String name, @DefaultValue("user") List<KeyPart> key, int max, Duration window) {}

    /**
     * @param enabled     write one audit event per request
     * @param databaseUrl a JDBC URL (PostgreSQL for several replicas); default a SQLite file in {@code dir}
     * @param dir         the local folder for the spool (and the SQLite file)
     * @param instanceId  names this replica's hash chain; default the host name
     * @param jsonLines   also write each event as a JSON line to this file, or {@code stdout}
     */
    public record Audit(@DefaultValue("false") boolean enabled, String databaseUrl,
                        @DefaultValue("gatewaystack-audit") Path dir, String instanceId, String jsonLines) {}
}
