package io.gatewaystack.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.Test;

/**
 * Providers that want an OAuth token: the gateway gets one with client credentials from a real OAuth server (and
 * caches it), or exchanges the user's token for an on-behalf-of token (RFC 8693), instead of a static key.
 */
class UpstreamOAuthTest {

    @Test
    void serviceAndOnBehalfOfTokensReachTheProvider() throws Exception {
        Vertx vertx = Vertx.vertx();
        MockOAuth2Server oauth = new MockOAuth2Server();
        oauth.start(InetAddress.getByName("127.0.0.1"), 0);
        FakeLlm fake = FakeLlm.start(vertx, 0);
        try {
            String tokenUrl = oauth.tokenEndpointUrl("upstream").toString();
            String issuer = oauth.issuerUrl("users").toString();
            String yaml = """
                    server: {host: 127.0.0.1, port: 0, event_loops: 1}
                    audit: {enabled: false}
                    identity:
                      issuers:
                        - {issuer: %1$s, audiences: [gateway]}
                    llm:
                      providers:
                        svc: {kind: openai, base_url: "http://127.0.0.1:%2$d/v1", allow_private: true,
                              auth: {mode: service_oauth, token_url: "%3$s", client_id: gw, client_secret_env: SECRET, scope: "llm.call"}}
                        obo: {kind: openai, base_url: "http://127.0.0.1:%2$d/v1", allow_private: true,
                              auth: {mode: user_oauth, token_url: "%3$s", client_id: gw, client_secret_env: SECRET, audience: "model-api"}}
                      models:
                        svc-echo: {targets: [svc/echo]}
                        obo-echo: {targets: [obo/echo]}
                    """.formatted(issuer, fake.port(), tokenUrl);
            var config = io.gatewaystack.server.config.ConfigLoader.load(
                    io.gatewaystack.server.config.ConfigLoader.parseYaml(yaml, "test"), Map.of("SECRET", "s3cret"));
            var gateway = io.gatewaystack.server.GatewayServer.start(vertx, config, new java.io.ByteArrayOutputStream());
            try {
                String user = oauth.issueToken("users", "client", new no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback(
                        "users", "alice", "JWT", java.util.List.of("gateway"), Map.of(), 300)).serialize();
                var client = vertx.createHttpClient(new HttpClientOptions());
                for (String model : new String[] {"svc-echo", "obo-echo"}) {
                    int status = client.request(new RequestOptions().setMethod(HttpMethod.POST)
                                    .setAbsoluteURI("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions")
                                    .putHeader("Authorization", "Bearer " + user).putHeader("Content-Type", "application/json"))
                            .compose(r -> r.send(Buffer.buffer("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")))
                            .compose(r -> r.body().map(b -> r.statusCode()))
                            .await(20, TimeUnit.SECONDS);
                    assertThat(status).as(model).isEqualTo(200);
                    String upstreamToken = fake.lastAuthorization().substring("Bearer ".length());
                    assertThat(upstreamToken).isNotEqualTo(user); // never the user's own token
                    var claims = SignedJWT.parse(upstreamToken).getJWTClaimsSet();
                    if (model.equals("obo-echo")) {
                        assertThat(claims.getSubject()).isEqualTo("alice");
                        assertThat(claims.getAudience()).contains("model-api");
                    } else {
                        assertThat(claims.getSubject()).isEqualTo("gw");
                    }
                }
            } finally {
                gateway.stop();
            }
        } finally {
            fake.close();
            oauth.shutdown();
            vertx.close();
        }
    }
}
