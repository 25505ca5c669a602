package io.gatewaystack.identity;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/**
 * Fetches one issuer's public signing keys over HTTP, finding the JWKS address on the way.
 *
 * <p>Where the keys are: the configured {@code jwksUri}; else the {@code jwks_uri} of the issuer's discovery
 * document ({@code <issuer>/.well-known/openid-configuration}); else {@code <issuer>/.well-known/jwks.json}.
 * Every request goes through a {@link ResourceRetriever} with connect and read timeouts and a size limit, so a slow
 * or hostile server can neither hang a thread nor fill memory.
 */
final class JwkSetFetcher {

    /** What one fetch brought back: the public keys and the address they came from. */
    record Fetched(JWKSet keys, URI jwksUri) {
    }

    private final String issuer;
    private final URI configuredJwksUri;
    private final ResourceRetriever http;
    /** Found by discovery; kept once found (discovery documents do not move their JWKS around). */
    private volatile URI discoveredJwksUri;

    JwkSetFetcher(String normalizedIssuer, URI configuredJwksUri, ResourceRetriever http) {
        this.issuer = normalizedIssuer;
        this.configuredJwksUri = configuredJwksUri;
        this.http = http;
    }

    /** The JWKS address when known without a network call, else null. */
    URI knownJwksUri() {
        return configuredJwksUri != null ? configuredJwksUri : discoveredJwksUri;
    }

    /** Blocking; bounded by the retriever's timeouts. */
    Fetched fetch() throws IOException, ParseException {
        URI uri = resolveJwksUri();
        Resource resource = http.retrieveResource(uri.toURL());
        // Only public keys: a JWKS that (wrongly) carries private or symmetric keys must not turn them into
        // verification keys; toPublicJWKSet drops private parts and secret (oct) keys.
        JWKSet keys = JWKSet.parse(resource.getContent()).toPublicJWKSet();
        return new Fetched(keys, uri);
    }

    private URI resolveJwksUri() throws IOException {
        URI known = knownJwksUri();
        if (known != null) {
            return known;
        }
        URI discovered = discover();
        if (discovered != null) {
            discoveredJwksUri = discovered;
            return discovered;
        }
        return URI.create(issuer + "/.well-known/jwks.json");
    }

    /** The discovery document's jwks_uri, or null when there is no usable document (then the fallback applies). */
    private URI discover() throws IOException {
        URL url = URI.create(issuer + "/.well-known/openid-configuration").toURL();
        Map<String, Object> metadata;
        try {
            metadata = JSONObjectUtils.parse(http.retrieveResource(url).getContent());
        } catch (ParseException | IOException e) {
            // No discovery document (404, not JSON): use the conventional address instead.
            return null;
        }
        Object advertisedIssuer = metadata.get("issuer");
        if (advertisedIssuer instanceof String s && !IssuerConfig.normalize(s).equals(issuer)) {
            // RFC 8414 §3.3: metadata for another issuer must not be used.
            throw new IOException("the discovery document names another issuer");
        }
        if (metadata.get("jwks_uri") instanceof String jwksUri && !jwksUri.isBlank()) {
            URI uri = URI.create(jwksUri);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new IOException("the discovery document has a jwks_uri that is not an http(s) URL");
            }
            return uri;
        }
        return null;
    }
}
