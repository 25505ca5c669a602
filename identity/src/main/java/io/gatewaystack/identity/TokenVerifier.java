package io.gatewaystack.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Verifies OAuth access tokens (signed JWTs) against the configured issuers and maps them to an {@link Identity}.
 *
 * <p>The checks, in order; the first that fails decides the answer (fail closed):
 * <ol>
 *   <li>size and shape: at most {@code maxTokenLength} characters; five segments is a JWE, which is refused;
 *       anything but three segments is malformed;</li>
 *   <li>header: a JWS (never {@code alg:none}), {@code typ} absent, {@code JWT} or {@code at+jwt} (RFC 9068);</li>
 *   <li>issuer: the unverified {@code iss} picks the configured issuer (trailing slashes ignored);</li>
 *   <li>algorithm: in that issuer's allowlist (never HMAC, so a public key can never be used as an HMAC secret);</li>
 *   <li>signature: with a key from the issuer's JWKS only; keys carried by the token itself are ignored;</li>
 *   <li>claims: {@code exp} present and not past (with clock skew), {@code nbf} not in the future, {@code aud}
 *       naming a configured audience, {@code sub} present, and {@code iss} again now that it is signed.</li>
 * </ol>
 * Verified tokens are cached (see {@link VerifiedTokenCache}). Thread-safe; {@link #verify} blocks when it must fetch
 * keys, {@link #cachedIdentity} never does.
 */
public final class TokenVerifier implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);

    /** Large enough for the JWKS of any real IdP (Entra ID's, with certificates, is ~10 KB), small enough to be safe. */
    private static final int MAX_JWKS_BYTES = 256 * 1024;
    private static final Set<String> ACCEPTED_TYPES = Set.of("jwt", "at+jwt", "application/jwt", "application/at+jwt");

    private final IdentityConfig config;
    private final Clock clock;
    private final Map<String, TrustedIssuer> issuers;
    private final VerifiedTokenCache cache;

    /** Creates the verifier; no network I/O happens until the first {@link #verify} or {@link #warmUp}. */
    public TokenVerifier(IdentityConfig config) {
        this(config, Clock.systemUTC());
    }

    TokenVerifier(IdentityConfig config, Clock clock) {
        this(config, clock, httpClient(config.jwksHttpTimeout()));
    }

    TokenVerifier(IdentityConfig config, Clock clock, ResourceRetriever http) {
        this.config = config;
        this.clock = clock;
        this.cache = new VerifiedTokenCache(config.tokenCacheSize(), config.jwksCacheTtl(), clock);
        Map<String, TrustedIssuer> byIssuer = new LinkedHashMap<>();
        for (IssuerConfig issuerConfig : config.issuers()) {
            String issuer = issuerConfig.normalizedIssuer();
            JwkSetFetcher fetcher = new JwkSetFetcher(issuer, issuerConfig.jwksUri(), http);
            JwksKeySource keys = new JwksKeySource(issuer, fetcher, config.jwksCacheTtl(),
                    config.jwksRefreshMinInterval(), clock, () -> cache.invalidateIssuer(issuer));
            byIssuer.put(issuer, TrustedIssuer.of(issuerConfig, keys));
        }
        this.issuers = Map.copyOf(byIssuer);
    }

    private static ResourceRetriever httpClient(Duration timeout) {
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        return new DefaultResourceRetriever(millis, millis, MAX_JWKS_BYTES);
    }

    /**
     * Verifies a bearer token. BLOCKING: may fetch a discovery document or a JWKS (each bounded by
     * {@code jwksHttpTimeout}). Thread-safe. Never throws: every failure is a {@link VerificationResult.Rejected}.
     */
    public VerificationResult verify(String token) {
        try {
            if (token == null || token.isEmpty()) {
                return reject(TokenErrors.MALFORMED, "empty token");
            }
            if (token.length() > config.maxTokenLength()) {
                return reject(TokenErrors.TOO_LARGE, "token over maxTokenLength");
            }
            VerifiedTokenCache.TokenHash hash = cache.enabled() ? cache.hash(token) : null;
            Identity cached = hash == null ? null : cache.get(hash);
            if (cached != null) {
                return new VerificationResult.Verified(cached);
            }
            return verifyUncached(token, hash);
        } catch (RuntimeException e) {
            // A bug or an unexpected library failure: deny, do not guess.
            log.warn("Token verification failed unexpectedly: {}", e.toString());
            return new VerificationResult.Rejected(TokenErrors.VERIFIER_FAILED);
        }
    }

    /** The identity of a token that was verified before and is still valid, else null. NON-blocking. */
    public Identity cachedIdentity(String token) {
        return token == null ? null : cachedIdentity(new BearerToken.Span(token, 0, token.length()));
    }

    /** {@link #cachedIdentity(String)} of the token in a header, without copying it out. NON-blocking. */
    public Identity cachedIdentity(BearerToken.Span token) {
        if (token == null || !cache.enabled() || token.length() > config.maxTokenLength()) {
            return null;
        }
        return cache.get(cache.hash(token.header(), token.start(), token.end()));
    }

    /** What is known of each issuer's keys, from the last fetch. Non-blocking. */
    public List<IssuerStatus> status() {
        List<IssuerStatus> result = new ArrayList<>(config.issuers().size());
        for (IssuerConfig issuerConfig : config.issuers()) {
            result.add(issuers.get(issuerConfig.normalizedIssuer()).keys().status(issuerConfig));
        }
        return List.copyOf(result);
    }

    /** Fetches every issuer's keys now (start-up), so the first request does not wait. Blocking; never throws. */
    public void warmUp() {
        for (TrustedIssuer issuer : issuers.values()) {
            issuer.keys().refresh();
        }
    }

    @Override
    public void close() {
        cache.clear();
    }

    // ---- the checks -------------------------------------------------------------------------------------

    private VerificationResult verifyUncached(String token, VerifiedTokenCache.TokenHash hash) {
        int segments = segmentCount(token);
        if (segments == 5) {
            return reject(TokenErrors.ENCRYPTED, "JWE token");
        }
        if (segments != 3) {
            return reject(TokenErrors.MALFORMED, "not three segments");
        }
        SignedJWT jwt;
        JWTClaimsSet unverifiedClaims;
        try {
            // Throws for alg:none (a plain header is not a JWS header) and for any undecodable part.
            jwt = SignedJWT.parse(token);
            unverifiedClaims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return reject(TokenErrors.MALFORMED, "unparsable");
        }
        JWSHeader header = jwt.getHeader();
        if (!acceptedType(header.getType())) {
            return reject(TokenErrors.WRONG_TYPE, "typ not accepted");
        }
        TrustedIssuer issuer = issuerOf(unverifiedClaims);
        if (issuer == null) {
            return reject(TokenErrors.UNTRUSTED_ISSUER, "unknown iss");
        }
        if (!issuer.algorithms().contains(header.getAlgorithm())) {
            return reject(TokenErrors.ALGORITHM_NOT_ALLOWED, "alg not in allowlist");
        }
        long keyGeneration = issuer.keys().generation();
        GatewayError signatureError = checkSignature(jwt, issuer);
        if (signatureError != null) {
            return reject(signatureError, "signature");
        }
        // From here on the claims are signed by the issuer's key.
        return checkClaimsAndMap(unverifiedClaims, issuer, hash, keyGeneration);
    }

    private GatewayError checkSignature(SignedJWT jwt, TrustedIssuer issuer) {
        JwksKeySource.Lookup lookup = issuer.keys().find(jwt.getHeader());
        return switch (lookup) {
            case JwksKeySource.Lookup.UnknownKey unknown -> TokenErrors.UNKNOWN_KEY;
            case JwksKeySource.Lookup.Unavailable unavailable -> TokenErrors.KEYS_UNAVAILABLE;
            case JwksKeySource.Lookup.Found found -> {
                for (JWK key : found.keys()) {
                    if (verifiesWith(jwt, key)) {
                        yield null;
                    }
                }
                yield TokenErrors.BAD_SIGNATURE;
            }
        };
    }

    private static boolean verifiesWith(SignedJWT jwt, JWK key) {
        try {
            JWSVerifier verifier = switch (key) {
                case RSAKey rsa -> new RSASSAVerifier(rsa);
                case ECKey ec -> new ECDSAVerifier(ec);
                default -> null;
            };
            return verifier != null && jwt.verify(verifier);
        } catch (JOSEException | IllegalStateException e) {
            log.debug("Key {} cannot verify the token: {}", key.getKeyID(), e.getMessage());
            return false;
        }
    }

    private VerificationResult checkClaimsAndMap(JWTClaimsSet claims, TrustedIssuer issuer,
                                                 VerifiedTokenCache.TokenHash hash, long keyGeneration) {
        Instant now = clock.instant();
        Duration skew = issuer.config().clockSkew();
        // Registered claims of the wrong JSON type were already refused when the claims were parsed.
        Date exp = claims.getExpirationTime();
        Date nbf = claims.getNotBeforeTime();
        List<String> audience = claims.getAudience();
        String subject = claims.getSubject();
        if (exp == null) {
            return reject(TokenErrors.NO_EXPIRY, "no exp");
        }
        Instant expiresAt = exp.toInstant();
        if (!now.isBefore(expiresAt.plus(skew))) {
            return reject(TokenErrors.EXPIRED, "exp passed");
        }
        if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
            return reject(TokenErrors.NOT_YET_VALID, "nbf in the future");
        }
        if (audience.stream().noneMatch(issuer.config().audiences()::contains)) {
            return reject(TokenErrors.WRONG_AUDIENCE, "aud");
        }
        if (subject == null || subject.isBlank()) {
            return reject(TokenErrors.NO_SUBJECT, "no sub");
        }
        if (issuerOf(claims) != issuer) {
            return reject(TokenErrors.UNTRUSTED_ISSUER, "iss changed");
        }
        Identity identity = issuer.mapper().toIdentity(claims.getClaims(), subject, expiresAt);
        if (hash != null) {
            cache.put(hash, identity);
            if (issuer.keys().generation() != keyGeneration) {
                // A key was removed while we verified: do not keep a result that may rest on it.
                cache.invalidate(hash);
            }
        }
        return new VerificationResult.Verified(identity);
    }

    private TrustedIssuer issuerOf(JWTClaimsSet claims) {
        return claims.getClaim("iss") instanceof String iss ? issuers.get(IssuerConfig.normalize(iss)) : null;
    }

    private static boolean acceptedType(JOSEObjectType type) {
        return type == null || ACCEPTED_TYPES.contains(type.getType().toLowerCase(Locale.ROOT));
    }

    private static int segmentCount(String token) {
        int segments = 1;
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                segments++;
            }
        }
        return segments;
    }

    private static VerificationResult reject(GatewayError error, String reason) {
        // The reason is for operators; the token itself is never logged.
        log.debug("Token rejected: {} ({})", error.code().code(), reason);
        return new VerificationResult.Rejected(error);
    }
}
