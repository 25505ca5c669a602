package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.demo.DemoMode;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The one-command demo, end to end over real HTTP: it boots, mints, verifies, injects and never lets a client spoof. */
class DemoModeTest {

    static Vertx vertx;
    static DemoMode demo;
    static Http http;
    static String gw;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        demo = DemoMode.start(vertx, Map.of("PORT", "0", "DEMO_ISSUER_PORT", "0", "DEMO_ECHO_PORT", "0", "DEMO_LLM_PORT", "0", "DEMO_TOOLS_PORT", "0"),
                new ByteArrayOutputStream());
        http = new Http(vertx);
        gw = "http://127.0.0.1:" + demo.gateway().port();
    }

    @AfterAll
    static void stop() {
        http.close();
        demo.stop();
        vertx.close();
    }

    private String mint(String body) {
        Http.Response r = http.post(demo.issuer().issuer() + "mint", body, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("token_type").asString()).isEqualTo("Bearer");
        return r.json().get("access_token").asString();
    }

    @Test
    void mintedTokensPassAndTheEchoBackendSeesOnlyTheVerifiedIdentity() {
        String token = mint("{\"sub\":\"alice\",\"scope\":\"tool:read tool:write\",\"org_id\":\"acme\",\"roles\":[\"doctor\"]}");
        Http.Response ping = http.get(gw + "/protected/ping", "Authorization", "Bearer " + token);
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.json().get("sub").asString()).isEqualTo("alice");

        Http.Response echo = http.get(gw + "/proxy/echo?x=1", "Authorization", "Bearer " + token,
                "X-User-Id", "mallory", "X-Org-Id", "evil", "X-User-Scopes", "admin");
        assertThat(echo.status()).isEqualTo(200);
        JsonNode seen = echo.json();
        assertThat(seen.get("path").asString()).isEqualTo("/echo");
        assertThat(seen.get("query").asString()).isEqualTo("x=1");
        JsonNode headers = seen.get("headers");
        assertThat(headers.get("x-user-id").asString()).isEqualTo("alice");
        assertThat(headers.get("x-org-id").asString()).isEqualTo("acme");
        assertThat(headers.get("x-user-scopes").asString()).isEqualTo("tool:read tool:write");
        assertThat(headers.get("x-user-roles").asString()).isEqualTo("doctor");
        assertThat(headers.has("x-gateway-identity")).isTrue();
        assertThat(headers.has("authorization")).isFalse();

        Http.Response post = http.post(gw + "/protected/echo", "{\"hello\":\"gateway\"}", "Authorization", "Bearer " + token,
                "Content-Type", "application/json");
        assertThat(post.json().get("body").get("hello").asString()).isEqualTo("gateway");
    }

    @Test
    void theDefaultTokenHasOnlyToolReadAndTheIssuerRefusesBadMintRequests() {
        String token = mint("{}");
        Http.Response r = http.post(gw + "/protected/echo", "{}", "Authorization", "Bearer " + token);
        assertThat(r.status()).isEqualTo(403);
        Http.Response bad = http.post(demo.issuer().issuer() + "mint", "{\"expires_in\":-5}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asString()).isEqualTo("invalid_request");
        assertThat(http.post(demo.issuer().issuer() + "mint", "[1,2]").status()).isEqualTo(400);
    }

    @Test
    void unauthenticatedRequestsAreChallengedTowardsTheMetadata() {
        Http.Response r = http.get(gw + "/proxy/echo");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isEqualTo(
                "Bearer resource_metadata=\"" + gw + "/.well-known/oauth-protected-resource\"");
        JsonNode prm = http.get(gw + "/.well-known/oauth-protected-resource").json();
        assertThat(prm.get("authorization_servers").get(0).asString()).isEqualTo(demo.issuer().issuer());
        JsonNode relayed = http.get(gw + "/.well-known/oauth-authorization-server").json();
        assertThat(relayed.get("issuer").asString()).isEqualTo(demo.issuer().issuer());
    }

    @Test
    void healthSaysDemoAndTheWelcomeHasAWorkingToken() {
        Http.Response health = http.get(gw + "/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("mode").asString()).isEqualTo("demo");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        demo.printWelcome(new PrintStream(out, true, StandardCharsets.UTF_8));
        String welcome = out.toString(StandardCharsets.UTF_8);
        assertThat(welcome).contains("DEMO MODE", "curl -s " + gw + "/protected/ping");
        String token = welcome.lines().filter(l -> l.startsWith("export TOKEN=")).findFirst().orElseThrow().substring(13);
        assertThat(http.get(gw + "/protected/ping", "Authorization", "Bearer " + token).status()).isEqualTo(200);
    }
}
