package io.gatewaystack.identity;

import com.nimbusds.jose.JWSAlgorithm;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One trusted token issuer.
 *
 * @param issuer     the expected {@code iss}; a difference of one trailing slash is tolerated, nothing else
 * @param audiences  accepted {@code aud} values: a token must carry at least one of them; never empty
 * @param jwksUri    where the signing keys are; null means "from the issuer's discovery document, else
 *                   {@code <issuer>/.well-known/jwks.json}"
 * @param algorithms allowed JWS algorithms by name (RS256..RS512, PS256..PS512, ES256, ES384, ES512); never
 *                   {@code none}, never an HMAC algorithm (a shared secret cannot be a public key); null means
 *                   {@link #DEFAULT_ALGORITHMS}
 * @param clockSkew  tolerance for {@code exp} and {@code nbf}; null means {@link #DEFAULT_CLOCK_SKEW}
 * @param claims     how claims map into an identity; null means {@link ClaimMapping#defaults()}
 */
public record IssuerConfig(
        String issuer,
        List<String> audiences,
        URI jwksUri,
        Set<String> algorithms,
        Duration clockSkew,
        ClaimMapping claims) {

    public static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256");
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);

    /** The public-key signature algorithms the verifier can check. */
    static final Set<JWSAlgorithm> SUPPORTED_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
            JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
            JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    public IssuerConfig {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be empty");
        }
        if (audiences == null || audiences.isEmpty()) {
            throw new IllegalArgumentException("audiences must not be empty");
        }
        if (audiences.stream().anyMatch(a -> a == null || a.isBlank())) {
            throw new IllegalArgumentException("audiences must not contain an empty value");
        }
        audiences = List.copyOf(audiences);
        if (jwksUri != null && !("https".equalsIgnoreCase(jwksUri.getScheme())
                || "http".equalsIgnoreCase(jwksUri.getScheme()))) {
            throw new IllegalArgumentException("jwksUri must be an http or https URL");
        }
        algorithms = algorithms == null ? DEFAULT_ALGORITHMS : Set.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("algorithms must not be empty");
        }
        algorithms.forEach(IssuerConfig::checkAlgorithm);
        clockSkew = clockSkew == null ? DEFAULT_CLOCK_SKEW : clockSkew;
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clockSkew must not be negative");
        }
        claims = claims == null ? ClaimMapping.defaults() : claims;
    }

    /** Convenience for the common case: default algorithms, clock skew and claim mapping. */
    public static IssuerConfig of(String issuer, List<String> audiences, URI jwksUri) {
        return new IssuerConfig(issuer, audiences, jwksUri, DEFAULT_ALGORITHMS, DEFAULT_CLOCK_SKEW,
                ClaimMapping.defaults());
    }

    /** The issuer without trailing slashes: the form tokens are matched against. */
    public String normalizedIssuer() {
        return IssuerConfig.normalize(issuer);
    }

    static String normalize(String issuer) {
        int end = issuer.length();
        while (end > 0 && issuer.charAt(end - 1) == '/') {
            end--;
        }
        return issuer.substring(0, end);
    }

    private static void checkAlgorithm(String name) {
        if (name == null || name.isBlank() || "none".equalsIgnoreCase(name.trim())) {
            throw new IllegalArgumentException("algorithm none is not allowed");
        }
        JWSAlgorithm alg = JWSAlgorithm.parse(name);
        if (JWSAlgorithm.Family.HMAC_SHA.contains(alg)) {
            throw new IllegalArgumentException("algorithm " + name
                    + " is not allowed: HMAC algorithms cannot be used with public-key issuers");
        }
        if (!SUPPORTED_ALGORITHMS.contains(alg)) {
            throw new IllegalArgumentException("algorithm " + name
                    + " is not supported: use one of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512");
        }
    }
}
