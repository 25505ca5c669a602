package io.gatewaystack.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.core.Identity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityAssertionSignerTest {

    private final Identity alice = new Identity("alice", "https://idp.example", "acme", "t1", List.of("doctor"),
            List.of("tool:read", "tool:write"), "alice@example.com", "Alice", null, "client-1",
            Instant.now().plusSeconds(300), Map.of());

    @Test
    void signsAnAssertionThatVerifiesWithThePublishedJwks() throws Exception {
        IdentityAssertionSigner signer = new IdentityAssertionSigner(IdentityAssertionSigner.generateKey(),
                "https://gateway.example", "http://backend:3000", Duration.ofSeconds(120), Clock.systemUTC());
        IdentityInjection injection = new IdentityInjection(signer, null, v -> v);
        String assertion = injection.headersFor(alice).stream()
                .filter(h -> h.name().equals("X-Gateway-Identity")).findFirst().orElseThrow().value().toString();
        SignedJWT jwt = SignedJWT.parse(assertion);
        ECKey publicKey = (ECKey) JWKSet.parse(signer.publicJwksJson()).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(publicKey.isPrivate()).isFalse();
        assertThat(jwt.verify(new ECDSAVerifier(publicKey))).isTrue();
        var claims = jwt.getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getIssuer()).isEqualTo("https://gateway.example");
        assertThat(claims.getAudience()).containsExactly("http://backend:3000");
        assertThat(claims.getStringClaim("org_id")).isEqualTo("acme");
        assertThat(claims.getStringClaim("tenant_id")).isEqualTo("t1");
        assertThat(claims.getStringListClaim("roles")).containsExactly("doctor");
        assertThat(claims.getStringClaim("scope")).isEqualTo("tool:read tool:write");
        assertThat(claims.getStringClaim("idp_iss")).isEqualTo("https://idp.example");
        assertThat(claims.getExpirationTime().toInstant()).isAfter(Instant.now().plusSeconds(100));
        // reused for the same identity instance, not for another one
        assertThat(injection.headersFor(alice)).isSameAs(injection.headersFor(alice));
        Identity aliceAgain = new Identity("alice", "https://idp.example", "acme", "t1", List.of("doctor"),
                List.of("tool:read", "tool:write"), "alice@example.com", "Alice", null, "client-1",
                Instant.now().plusSeconds(300), Map.of());
        assertThat(injection.headersFor(aliceAgain)).isNotSameAs(injection.headersFor(alice));
    }

    @Test
    void identityHeadersComeOnlyFromTheIdentityAndAreHeaderSafe() {
        Identity tricky = new Identity("bob\r\nX-Evil: 1", "https://idp", null, null, List.of(), List.of(),
                "bøb@example.com", null, null, null, Instant.now(), Map.of());
        var headers = IdentityHeaders.forIdentity(tricky, "X-Auth-Sub", "a.b.c");
        assertThat(headers).extracting(IdentityHeaders.Header::name).containsExactly("X-User-Id", "X-Auth-Sub",
                "X-User-Roles", "X-User-Scopes", "X-User-Email", "X-Gateway-Identity");
        assertThat(headers.get(0).value()).isEqualTo("bob??X-Evil: 1");
        assertThat(headers.get(4).value()).isEqualTo("b?b@example.com");
    }
}
