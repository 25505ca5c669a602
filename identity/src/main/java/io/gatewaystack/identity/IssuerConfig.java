package io.gatewaystack.identity;

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
 * @param algorithms allowed JWS algorithms by name (RS256, PS256, ES256, EdDSA, ...); never {@code none}, never
 *                   an HMAC algorithm
 * @param clockSkew  tolerance for {@code exp} and {@code nbf}
 * @param claims     how claims map into an identity
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

    public IssuerConfig {
        audiences = List.copyOf(audiences);
        algorithms = Set.copyOf(algorithms);
    }
}
