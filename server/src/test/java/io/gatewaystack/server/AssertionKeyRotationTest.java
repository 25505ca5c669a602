package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.proxy.IdentityAssertionSigner;
import io.gatewaystack.server.config.ConfigException;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two-key rotation of the gateway's own assertion key, with two real gateways sharing one key file as two replicas
 * in the middle of a rollout: one still signs with the old kid, the other already with the new one, both publish
 * both keys. Every assertion from either replica verifies against either replica's published JWKS.
 */
class AssertionKeyRotationTest {

    static Vertx vertx;
    static TestIssuer issuer;
    static TestBackend backend;
    static Http http;
    static Path keyFile;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        backend = new TestBackend(vertx);
        http = new Http(vertx);
        ECKey old = new ECKey.Builder(IdentityAssertionSigner.generateKey()).keyID("gs-2026-10").build();
        ECKey next = new ECKey.Builder(IdentityAssertionSigner.generateKey()).keyID("gs-2026-11").build();
        keyFile = Files.createTempFile("identity-assertion", ".jwks");
        Files.writeString(keyFile, new JWKSet(List.<JWK>of(old, next)).toString(false));
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        backend.close();
        issuer.close();
        vertx.close();
        Files.deleteIfExists(keyFile);
    }

    static TestGateway replica(String signingKid) {
        return TestGateway.start(vertx, TestGateway.yaml(issuer, "http://127.0.0.1:" + backend.port(), ""),
                Map.of("GATEWAY_IDENTITY_KEY_FILE", keyFile.toString(), "GATEWAY_IDENTITY_KEY_ID", signingKid));
    }

    /** The X-Gateway-Identity the backend received for one proxied request. */
    static SignedJWT assertionVia(TestGateway gateway, String token) throws Exception {
        Http.Response r = http.get(gateway.url("/proxy/whoami"), "Authorization", "Bearer " + token);
        assertThat(r.status()).isEqualTo(200);
        return SignedJWT.parse(r.json().get("headers").get("x-gateway-identity").asString());
    }

    @Test
    void midRotationEveryAssertionVerifiesAgainstEveryReplicasJwks() throws Exception {
        String token = issuer.token("alice", Map.of("scope", "tool:read"));
        try (TestGateway oldReplica = replica("gs-2026-10"); TestGateway newReplica = replica("gs-2026-11")) {
            SignedJWT fromOld = assertionVia(oldReplica, token);
            SignedJWT fromNew = assertionVia(newReplica, token);
            assertThat(fromOld.getHeader().getKeyID()).isEqualTo("gs-2026-10");
            assertThat(fromNew.getHeader().getKeyID()).isEqualTo("gs-2026-11");

            for (TestGateway published : List.of(oldReplica, newReplica)) {
                Http.Response r = http.get(published.url("/.well-known/gateway-jwks.json"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).doesNotContain("\"d\"");
                JWKSet jwks = JWKSet.parse(r.body());
                assertThat(jwks.getKeys()).extracting(JWK::getKeyID).containsExactlyInAnyOrder("gs-2026-10", "gs-2026-11");
                for (SignedJWT assertion : List.of(fromOld, fromNew)) {
                    ECKey key = (ECKey) jwks.getKeyByKeyId(assertion.getHeader().getKeyID());
                    assertThat(assertion.verify(new ECDSAVerifier(key))).isTrue();
                    assertThat(assertion.getJWTClaimsSet().getSubject()).isEqualTo("alice");
                }
            }
        }
    }

    @Test
    void aSigningKidThatIsNotInTheFileStopsTheStart() {
        assertThatThrownBy(() -> replica("gs-1999"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("identity_assertion.key_file")
                .hasMessageContaining("no key has the signing kid gs-1999");
    }
}
