package io.gatewaystack.identity;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Valid and forged tokens against a verifier whose JWKS is served by a real local HTTP server. */
class TokenVerifierTest {

    static final String ISSUER = "https://issuer.example";
    static final String AUDIENCE = "https://gateway.local/api";
    static final RSAKey KEY = Tokens.rsaKey("k1");
    static final ECKey EC_KEY = Tokens.ecKey("e1");
    static final RSAKey ATTACKER = Tokens.rsaKey("attacker");

    static JwksServer jwks;

    @BeforeAll
    static void startJwks() throws Exception {
        jwks = new JwksServer();
        jwks.serve(List.of(KEY, EC_KEY));
        jwks.serveAt("/attacker.json", List.of(ATTACKER));
    }

    @AfterAll
    static void stopJwks() {
        jwks.close();
    }

    static IssuerConfig issuer(String issuer, String audience, URI jwksUri, Set<String> algorithms) {
        return new IssuerConfig(issuer, List.of(audience), jwksUri, algorithms, Duration.ofSeconds(60),
                ClaimMapping.defaults());
    }

    static IdentityConfig config(IssuerConfig... issuers) {
        return new IdentityConfig(List.of(issuers), Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofSeconds(2), 8192, 1000);
    }

    /** Configured with a trailing slash, which tokens without one must still match. */
    final TokenVerifier verifier = new TokenVerifier(config(
            issuer(ISSUER + "/", AUDIENCE, jwks.jwksUri(), Set.of("RS256"))));

    static JWTClaimsSet.Builder claims() {
        return Tokens.claims(ISSUER, AUDIENCE);
    }

    static Identity verified(VerificationResult result) {
        assertThat(result).isInstanceOf(VerificationResult.Verified.class);
        return ((VerificationResult.Verified) result).identity();
    }

    static void assertRejected(VerificationResult result, ErrorCode code) {
        assertThat(result).isInstanceOfSatisfying(VerificationResult.Rejected.class,
                rejected -> assertThat(rejected.error().code()).isEqualTo(code));
    }

    static String description(VerificationResult result) {
        return ((VerificationResult.Rejected) result).error().description();
    }

    @Test
    void validTokenVerifiesAndMapsTheIdentity() {
        Instant exp = Instant.now().plusSeconds(300).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = Tokens.sign(KEY, claims()
                .expirationTime(Date.from(exp))
                .claim("scope", "tool.read tool.write")
                .claim("roles", List.of("admin"))
                .claim("org_id", "acme")
                .claim("azp", "client-7")
                .claim("email", "u@example.com")
                .build());

        Identity identity = verified(verifier.verify(token));

        assertThat(identity.subject()).isEqualTo("user-1");
        assertThat(identity.issuer()).isEqualTo(ISSUER);
        assertThat(identity.scopes()).containsExactly("tool.read", "tool.write");
        assertThat(identity.roles()).containsExactly("admin");
        assertThat(identity.orgId()).isEqualTo("acme");
        assertThat(identity.clientId()).isEqualTo("client-7");
        assertThat(identity.email()).isEqualTo("u@example.com");
        assertThat(identity.expiresAt()).isEqualTo(exp);
        assertThat(identity.claims()).containsEntry("exp", exp.getEpochSecond()).containsEntry("sub", "user-1");
    }

    @Test
    void rfc9068AccessTokenTypeIsAcceptedAndOtherTypesAreNot() {
        String atJwt = Tokens.sign(KEY, claims().build(), h -> h.type(new JOSEObjectType("at+jwt")));
        String noTyp = Tokens.sign(KEY, claims().build(), h -> h.type(null));
        String dpop = Tokens.sign(KEY, claims().build(), h -> h.type(new JOSEObjectType("dpop+jwt")));

        verified(verifier.verify(atJwt));
        verified(verifier.verify(noTyp));
        assertRejected(verifier.verify(dpop), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void expiredTokenIsRejectedButOneWithinTheClockSkewIsAccepted() {
        Instant now = Instant.now();
        String expired = Tokens.sign(KEY, claims().expirationTime(Date.from(now.minusSeconds(120))).build());
        String withinSkew = Tokens.sign(KEY, claims().expirationTime(Date.from(now.minusSeconds(20))).build());

        assertRejected(verifier.verify(expired), ErrorCode.TOKEN_EXPIRED);
        verified(verifier.verify(withinSkew));
        assertThat(verifier.cachedIdentity(withinSkew)).as("never cached past exp").isNull();
    }

    @Test
    void tokenWithoutExpiryIsRejected() {
        String token = Tokens.sign(KEY, claims().expirationTime(null).build());
        assertRejected(verifier.verify(token), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void notBeforeInTheFutureIsRejected() {
        String token = Tokens.sign(KEY, claims().notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build());
        VerificationResult result = verifier.verify(token);
        assertRejected(result, ErrorCode.INVALID_TOKEN);
        assertThat(description(result)).isEqualTo("The access token is not valid yet.");
    }

    @Test
    void wrongIssuerIsRejected() {
        String token = Tokens.sign(KEY, claims().issuer("https://evil.example").build());
        VerificationResult result = verifier.verify(token);
        assertRejected(result, ErrorCode.INVALID_TOKEN);
        assertThat(description(result)).doesNotContain("evil");
    }

    @Test
    void wrongAudienceIsRejected() {
        String token = Tokens.sign(KEY, claims().audience(List.of("https://other.api", "x")).build());
        assertRejected(verifier.verify(token), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void oneMatchingAudienceAmongSeveralIsEnough() {
        String token = Tokens.sign(KEY, claims().audience(List.of("https://other.api", AUDIENCE)).build());
        verified(verifier.verify(token));
    }

    @Test
    void missingOrBlankSubjectIsRejected() {
        assertRejected(verifier.verify(Tokens.sign(KEY, claims().subject(null).build())), ErrorCode.INVALID_TOKEN);
        assertRejected(verifier.verify(Tokens.sign(KEY, claims().subject("  ").build())), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void unknownKeyIdIsRejected() {
        RSAKey unknown = Tokens.rsaKey("not-in-jwks");
        VerificationResult result = verifier.verify(Tokens.sign(unknown, claims().build()));
        assertRejected(result, ErrorCode.INVALID_TOKEN);
        assertThat(description(result)).isEqualTo("The token was signed with an unknown key.");
    }

    @Test
    void algNoneIsRejected() {
        String header = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"JWT\"}").toString();
        String payload = Base64URL.encode(claims().build().toString()).toString();
        assertRejected(verifier.verify(header + "." + payload + "."), ErrorCode.INVALID_TOKEN);
        assertRejected(verifier.verify(header + "." + payload + ".c2ln"), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyIsRejected() throws Exception {
        // The classic algorithm-confusion attack: the public key (known to all) used as an HMAC secret.
        byte[] publicKeyBytes = KEY.toRSAPublicKey().getEncoded();
        byte[] pemBytes = KEY.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8);
        for (byte[] secret : List.of(publicKeyBytes, pemBytes)) {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
            jwt.sign(new MACSigner(secret));
            assertRejected(verifier.verify(jwt.serialize()), ErrorCode.INVALID_TOKEN);
        }
    }

    @Test
    void keyEmbeddedInTheTokenIsNeverUsed() {
        // Signed by the attacker, carrying the attacker's public key; once with its own kid, once with ours.
        String ownKid = Tokens.sign(ATTACKER, claims().build(), h -> h.jwk(ATTACKER.toPublicJWK()));
        String ourKid = Tokens.sign(ATTACKER, claims().build(), h -> h.jwk(ATTACKER.toPublicJWK()).keyID("k1"));

        VerificationResult result = verifier.verify(ownKid);
        assertRejected(result, ErrorCode.INVALID_TOKEN);
        assertThat(description(result)).isEqualTo("The token was signed with an unknown key.");
        assertRejected(verifier.verify(ourKid), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void jkuHeaderIsNeverFollowed() {
        int before = jwks.hits("/attacker.json");
        String token = Tokens.sign(ATTACKER, claims().build(), h -> h.jwkURL(jwks.uri("/attacker.json")));

        assertRejected(verifier.verify(token), ErrorCode.INVALID_TOKEN);
        assertThat(jwks.hits("/attacker.json")).isEqualTo(before);
    }

    @Test
    void encryptedJweIsRefusedWithItsOwnCode() throws JOSEException {
        EncryptedJWT jwe = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
                claims().build());
        jwe.encrypt(new RSAEncrypter(KEY.toPublicJWK()));
        String token = jwe.serialize();

        assertThat(token.split("\\.", -1)).hasSize(5);
        VerificationResult result = verifier.verify(token);
        assertRejected(result, ErrorCode.ENCRYPTED_TOKEN);
        assertThat(((VerificationResult.Rejected) result).error().code().code()).isEqualTo("access_token_is_encrypted_jwe");
    }

    @Test
    void garbageIsRejectedWithoutThrowing() {
        for (String garbage : List.of("", "abc", "a.b", "a.b.c", "...", "a.b.c.d", "..", "eyJ.eyJ.sig",
                "%%%.***.!!!", "e30.e30.e30", "W10.W10.AA")) {
            assertRejected(verifier.verify(garbage), ErrorCode.INVALID_TOKEN);
        }
        assertRejected(verifier.verify(null), ErrorCode.INVALID_TOKEN);
    }

    @Test
    void oversizedTokenIsRejectedBeforeParsing() {
        String token = Tokens.sign(KEY, claims().claim("padding", "x".repeat(9000)).build());
        VerificationResult result = verifier.verify(token);
        assertRejected(result, ErrorCode.INVALID_TOKEN);
        assertThat(description(result)).isEqualTo("The access token is too large.");
    }

    @Test
    void tamperedPayloadFailsTheSignature() {
        String[] parts = Tokens.sign(KEY, claims().build()).split("\\.");
        String forgedPayload = Base64URL.encode(claims().subject("admin").build().toString()).toString();
        String tampered = parts[0] + "." + forgedPayload + "." + parts[2];

        VerificationResult result = verifier.verify(tampered);
        assertRejected(result, ErrorCode.INVALID_TOKEN);
        assertThat(description(result)).isEqualTo("The token signature is invalid.");
    }

    @Test
    void algorithmOutsideTheAllowlistIsRejectedAndAcceptedOnceConfigured() {
        String es256 = Tokens.sign(EC_KEY, claims().build());
        assertRejected(verifier.verify(es256), ErrorCode.INVALID_TOKEN);

        try (TokenVerifier both = new TokenVerifier(config(
                issuer(ISSUER, AUDIENCE, jwks.jwksUri(), Set.of("RS256", "ES256"))))) {
            assertThat(verified(both.verify(es256)).subject()).isEqualTo("user-1");
            verified(both.verify(Tokens.sign(KEY, claims().build())));
        }
    }

    @Test
    void severalIssuersEachWithItsOwnAudience() {
        String other = "https://other-issuer.example/";
        try (TokenVerifier two = new TokenVerifier(config(
                issuer(ISSUER, AUDIENCE, jwks.jwksUri(), Set.of("RS256")),
                issuer(other, "api://other", jwks.jwksUri(), Set.of("RS256"))))) {
            Identity a = verified(two.verify(Tokens.sign(KEY, claims().build())));
            Identity b = verified(two.verify(Tokens.sign(KEY, Tokens.claims(other, "api://other").build())));
            assertThat(a.issuer()).isEqualTo(ISSUER);
            assertThat(b.issuer()).isEqualTo("https://other-issuer.example");

            // Each issuer's audience is its own: a token of one issuer for the other's audience fails.
            assertRejected(two.verify(Tokens.sign(KEY, Tokens.claims(other, AUDIENCE).build())), ErrorCode.INVALID_TOKEN);
            assertRejected(two.verify(Tokens.sign(KEY, claims().audience("api://other").build())), ErrorCode.INVALID_TOKEN);
        }
    }

    @Test
    void verifiedTokenIsServedFromTheCache() {
        String token = Tokens.sign(KEY, claims().claim("scope", "a").build());
        assertThat(verifier.cachedIdentity(token)).isNull();

        Identity first = verified(verifier.verify(token));

        assertThat(verifier.cachedIdentity(token)).isSameAs(first);
        assertThat(verified(verifier.verify(token))).isSameAs(first);
        // Looked up where it sits in its header, without being copied out: the same entry.
        assertThat(verifier.cachedIdentity(BearerToken.find("Bearer " + token + " "))).isSameAs(first);
        assertThat(verifier.cachedIdentity(BearerToken.find("Bearer " + token + "x"))).isNull();
    }

    @Test
    void expiredCacheEntryIsNotServed() {
        MutableClock clock = new MutableClock();
        try (TokenVerifier timed = new TokenVerifier(config(
                issuer(ISSUER, AUDIENCE, jwks.jwksUri(), Set.of("RS256"))), clock)) {
            String token = Tokens.sign(KEY, claims()
                    .expirationTime(Date.from(clock.instant().plusSeconds(30))).build());
            verified(timed.verify(token));
            assertThat(timed.cachedIdentity(token)).isNotNull();

            clock.advance(Duration.ofSeconds(31));

            assertThat(timed.cachedIdentity(token)).isNull();
            verified(timed.verify(token)); // still within the 60 s skew, re-verified, not cached
            assertThat(timed.cachedIdentity(token)).isNull();
            clock.advance(Duration.ofSeconds(60));
            assertRejected(timed.verify(token), ErrorCode.TOKEN_EXPIRED);
        }
    }

    @Test
    void cacheSizeZeroDisablesTheCache() {
        try (TokenVerifier uncached = new TokenVerifier(new IdentityConfig(
                List.of(issuer(ISSUER, AUDIENCE, jwks.jwksUri(), Set.of("RS256"))),
                Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(2), 8192, 0))) {
            String token = Tokens.sign(KEY, claims().build());
            verified(uncached.verify(token));
            assertThat(uncached.cachedIdentity(token)).isNull();
        }
    }

    @Test
    void claimsAreImmutablePlainJava() {
        String token = Tokens.sign(KEY, claims()
                .claim("nested", Map.of("list", List.of(1, "two", true)))
                .build());
        Identity identity = verified(verifier.verify(token));

        assertThat(identity.claims().get("nested")).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) identity.claims().get("nested");
        assertThat(nested.get("list")).isEqualTo(List.of(1L, "two", true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> nested.put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void statusReportsTheKeysFetched() {
        verified(verifier.verify(Tokens.sign(KEY, claims().build())));

        assertThat(verifier.status()).singleElement().satisfies(status -> {
            assertThat(status.issuer()).isEqualTo(ISSUER + "/");
            assertThat(status.audiences()).containsExactly(AUDIENCE);
            assertThat(status.jwksUri()).isEqualTo(jwks.jwksUri().toString());
            assertThat(status.jwksReachable()).isTrue();
            assertThat(status.keyCount()).isEqualTo(2);
            assertThat(status.lastError()).isNull();
        });
    }
}
