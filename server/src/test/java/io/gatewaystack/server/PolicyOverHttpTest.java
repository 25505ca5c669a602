package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatewaystack.server.config.ConfigException;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The policy layer inside the gateway: deny by default, reasons, modify effects seen upstream, hot reload. */
class PolicyOverHttpTest {

    static final String POLICY = """
            rules:
              - id: doctors-ping
                effect: allow
                when: {route: protected.ping, roles: doctor}
              - id: proxy-for-all
                effect: allow
                when: {route: proxy}
              - id: free-plan-small-model
                effect: modify
                when: {route: proxy, plan: free}
                modify:
                  model: small-model
                  max_tokens: 100
                  headers: {X-Policy-Tier: free, X-User-Id: forged-by-policy}
              - id: finance-redacts-email
                effect: modify
                when: {route: proxy, claims.department: finance}
                modify: {redact_pii: [email]}
              - id: no-contractors
                priority: 10
                effect: deny
                reason: Contractors may not use the gateway.
                when: {claims.employment: contractor}
            """;

    static Vertx vertx;
    static TestIssuer issuer;
    static TestBackend backend;
    static Http http;
    static Path dir;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        backend = new TestBackend(vertx);
        http = new Http(vertx);
        dir = Files.createTempDirectory("gw-policy");
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, "http://127.0.0.1:" + backend.port(), """
                policy: {path: %s, reload_interval_ms: 100}
                """.formatted(dir)).replace("response_timeout_ms: 500", "response_timeout_ms: 500\n  inspect_bodies: true"));
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        backend.close();
        issuer.close();
        vertx.close();
    }

    @Test
    void denyByDefaultWithRuleReasonsAndDecisionId() {
        String doctor = "Bearer " + issuer.token("alice", Map.of("roles", List.of("doctor")));
        assertThat(http.get(gateway.url("/protected/ping"), "Authorization", doctor).status()).isEqualTo(200);

        Http.Response denied = http.get(gateway.url("/protected/ping"), "Authorization", "Bearer " + issuer.token("bob", Map.of()));
        assertThat(denied.status()).isEqualTo(403);
        JsonNode body = denied.json();
        assertThat(body.get("error").asString()).isEqualTo("policy_denied");
        assertThat(body.get("rule").asString()).isEqualTo("default");
        assertThat(body.get("decision_id").asString()).startsWith("pd_");
        assertThat(body.get("reasons").size()).isGreaterThan(0);

        Http.Response contractor = http.get(gateway.url("/protected/ping"), "Authorization",
                "Bearer " + issuer.token("carl", Map.of("roles", List.of("doctor"), "employment", "contractor")));
        assertThat(contractor.status()).isEqualTo(403);
        assertThat(contractor.json().get("rule").asString()).isEqualTo("no-contractors");
        assertThat(contractor.json().get("error_description").asString()).contains("Contractors may not use the gateway.");
    }

    @Test
    void modifyEffectsReachTheUpstreamButNeverReplaceIdentityHeaders() {
        String free = "Bearer " + issuer.token("dana", Map.of("plan", "free"));
        Http.Response r = http.post(gateway.url("/proxy/v1/chat"), "{\"model\":\"big-model\",\"max_tokens\":4000,\"messages\":[]}",
                "Authorization", free, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode seen = Http.JSON.readTree(r.json().get("body").asString());
        assertThat(seen.get("model").asString()).isEqualTo("small-model");
        assertThat(seen.get("max_tokens").asInt()).isEqualTo(100);
        JsonNode headers = r.json().get("headers");
        assertThat(headers.get("x-policy-tier").asString()).isEqualTo("free");
        assertThat(headers.get("x-user-id").asString()).isEqualTo("dana");

        String pro = "Bearer " + issuer.token("erin", Map.of("plan", "pro"));
        Http.Response untouched = http.post(gateway.url("/proxy/v1/chat"), "{\"model\":\"big-model\",\"max_tokens\":4000}",
                "Authorization", pro, "Content-Type", "application/json");
        assertThat(untouched.json().get("body").asString()).isEqualTo("{\"model\":\"big-model\",\"max_tokens\":4000}");
    }

    @Test
    void aForcedRedactionRemovesTheNamedPiiBeforeTheUpstream() {
        String finance = "Bearer " + issuer.token("fay", Map.of("department", "finance"));
        Http.Response r = http.post(gateway.url("/proxy/v1/chat"),
                "{\"messages\":[{\"role\":\"user\",\"content\":\"mail fay@example.com\"}]}",
                "Authorization", finance, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        String seen = r.json().get("body").asString();
        assertThat(seen).doesNotContain("fay@example.com").contains("[EMAIL]");
        assertThat(r.header("X-GatewayStack-Redacted")).isEqualTo("email=1");

        String other = "Bearer " + issuer.token("gus", Map.of("department", "sales"));
        Http.Response untouched = http.post(gateway.url("/proxy/v1/chat"),
                "{\"messages\":[{\"role\":\"user\",\"content\":\"mail gus@example.com\"}]}",
                "Authorization", other, "Content-Type", "application/json");
        assertThat(untouched.json().get("body").asString()).contains("gus@example.com");
    }

    @Test
    void aChangedPolicyIsReloadedAndABrokenOneKeepsTheLastGood() throws Exception {
        Path dir2 = Files.createTempDirectory("gw-policy-reload");
        Path file = dir2.resolve("policy.yaml");
        Files.writeString(file, "rules:\n  - id: all\n    effect: allow\n");
        try (TestGateway reloading = TestGateway.start(vertx, TestGateway.yaml(issuer, null,
                "policy: {path: " + dir2 + ", reload_interval_ms: 100}"))) {
            String token = "Bearer " + issuer.token("frank", Map.of());
            assertThat(http.get(reloading.url("/protected/ping"), "Authorization", token).status()).isEqualTo(200);

            Files.writeString(file, "rules:\n  - id: nobody\n    effect: deny\n    reason: closed for maintenance\n");
            assertThat(awaitStatus(reloading, token, 403)).isTrue();

            Files.writeString(file, "rules:\n  - id: broken\n    effect: maybe\n");
            Thread.sleep(400); // several reload intervals
            Http.Response still = http.get(reloading.url("/protected/ping"), "Authorization", token);
            assertThat(still.status()).isEqualTo(403);
            assertThat(still.json().get("rule").asString()).isEqualTo("nobody");
        }
    }

    @Test
    void anInvalidPolicyStopsTheStartNamingFileAndLine() throws Exception {
        Path bad = Files.createTempDirectory("gw-policy-bad").resolve("bad.yaml");
        Files.writeString(bad, "rules:\n  - id: r1\n    effect: allow\n    when: {model: {regex: \"([\"}}\n");
        assertThatThrownBy(() -> TestGateway.start(vertx, TestGateway.yaml(issuer, null, "policy: {path: " + bad + "}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("policy.path")
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("r1");
    }

    private boolean awaitStatus(TestGateway gw, String token, int status) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (http.get(gw.url("/protected/ping"), "Authorization", token).status() == status) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
