package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.http.Ports;
import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** When the identity provider is down the gateway fails closed and fast: 503/502, never a hang, never a pass. */
class IdentityProviderOutageTest {

    static Vertx vertx;
    static TestIssuer signer;
    static TestGateway gateway;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        signer = new TestIssuer();
        int dead = Ports.free();
        // The issuer's name is the test signer's, but its keys and metadata live on a port nobody listens on.
        gateway = TestGateway.start(vertx, """
                audit: {dir: AUDITDIR}
                server: {host: 127.0.0.1, port: 0, event_loops: 1}
                identity:
                  issuers:
                    - issuer: %s
                      audiences: [%s]
                      jwks_uri: http://127.0.0.1:%d/jwks.json
                  jwks: {http_timeout_ms: 500, refresh_min_interval_seconds: 0}
                """.formatted(signer.issuer(), TestIssuer.AUDIENCE, dead).replace("AUDITDIR", TestGateway.tempDir()));
        http = new Http(vertx);
        gateway.server().config(); // started
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        signer.close();
        vertx.close();
    }

    @Test
    void aTokenThatCannotBeCheckedIs503Unavailable() {
        long start = System.nanoTime();
        Http.Response r = http.get(gateway.url("/protected/ping"), "Authorization", "Bearer " + signer.token("alice", Map.of()));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("error").asString()).isEqualTo("unavailable");
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
    }

    @Test
    void healthIs503WithoutSigningKeysButLivenessStaysUp() {
        assertThat(http.get(gateway.url("/health/live")).status()).isEqualTo(200);
        Http.Response r = http.get(gateway.url("/health"));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.json().get("ok").asBoolean()).isFalse();
        assertThat(r.json().get("checks").get("jwks").get("ok").asBoolean()).isFalse();
        Http.Response idp = http.get(gateway.url("/health/idp"));
        assertThat(idp.json().get("jwksReachable").asBoolean()).isFalse();
    }

    @Test
    void discoveryRelayIs502WhenTheIssuerIsDown() {
        // the signer's HTTP server only serves its JWKS: metadata is a 404 everywhere
        Http.Response r = http.get(gateway.url("/.well-known/openid-configuration"));
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().get("error").asString()).isEqualTo("discovery_fetch_failed");
    }
}
