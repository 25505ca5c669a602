package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.audit.AuditVerifier;
import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every request leaves one audit event in the embedded store, with identity, model, usage and outcome. */
class AuditOverHttpTest {

    @Test
    void requestsAreAuditedInTheStoreWithAnIntactChainAndMetrics() throws Exception {
        Vertx vertx = Vertx.vertx();
        Path dir = Files.createTempDirectory("gw-audit-http").resolve("not-yet/created"); // the gateway makes it
        FakeLlm fake = FakeLlm.start(vertx, 0);
        try (TestIssuer issuer = new TestIssuer(); Http http = new Http(vertx)) {
            String yaml = TestGateway.yaml(issuer, null, """
                    llm:
                      providers:
                        fake: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, auth: {mode: api_key, env: K}}
                      models:
                        echo: {targets: [fake/echo]}
                    """.formatted(fake.port())).replaceFirst("(?m)^  dir: .*$", "  dir: " + dir);
            TestGateway gateway = TestGateway.start(vertx, yaml, Map.of("K", "key"));
            String alice = "Bearer " + issuer.token("alice", Map.of("org_id", "acme"));
            assertThat(http.post(gateway.url("/v1/chat/completions"),
                    "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"count these four words\"}]}",
                    "Authorization", alice, "Content-Type", "application/json", "X-Request-Id", "audit-llm-1").status()).isEqualTo(200);
            assertThat(http.get(gateway.url("/protected/ping"), "X-Request-Id", "audit-denied-1").status()).isEqualTo(401);
            Http.Response metrics = http.get(gateway.url("/metrics"));
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.body()).contains("gatewaystack_");
            JsonNode health = http.get(gateway.url("/health")).json();
            // the user's own usage, from the audit trail (wait for the event to reach the store)
            JsonNode usage = null;
            for (int i = 0; i < 100; i++) {
                usage = http.get(gateway.url("/v1/usage/me"), "Authorization", alice).json();
                if (usage.get("last_24h").get("input_tokens").asLong() > 0) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(usage.get("user").asString()).isEqualTo("alice");
            assertThat(usage.get("last_24h").get("input_tokens").asLong()).isPositive();
            assertThat(http.get(gateway.url("/v1/usage/me"), "Authorization", "Bearer " + issuer.token("bob", Map.of())).json()
                    .get("last_30d").get("requests").asLong()).isZero();
            assertThat(health.get("checks").get("audit").get("ok").asBoolean()).isTrue();
            gateway.close(); // drains, flushes the spool into the store, seals the chain

            List<JsonNode> events = new ArrayList<>();
            try (AuditSource source = AuditSource.open(dir.resolve("audit.db").toString())) {
                source.forEachRow(0, row -> events.add(Http.JSON.readTree(row.json())));
                assertThat(new AuditVerifier(null).verify(source).ok()).isTrue();
            }
            JsonNode llm = events.stream().filter(e -> e.toString().contains("audit-llm-1")).findFirst().orElseThrow();
            assertThat(llm.toString()).contains("\"alice\"", "\"acme\"", "\"echo\"", "\"fake\"");
            assertThat(llm.findValue("input_tokens").asLong()).isPositive();
            JsonNode denied = events.stream().filter(e -> e.toString().contains("audit-denied-1")).findFirst().orElseThrow();
            assertThat(denied.toString()).contains("missing_token", "\"deny\"");
            assertThat(events.stream().filter(e -> e.toString().contains("audit-llm-1")).count()).isEqualTo(1);
        } finally {
            fake.close();
            vertx.close();
        }
    }
}
