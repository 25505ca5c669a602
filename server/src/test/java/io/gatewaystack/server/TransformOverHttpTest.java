package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transform layer inside the gateway: an OpenAI-style request with an email and a card reaches the upstream
 * redacted and pseudonymised, the client is told, and the pseudonyms are restored in the response.
 */
class TransformOverHttpTest {

    static Vertx vertx;
    static TestIssuer issuer;
    static TestBackend backend;
    static Http http;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        backend = new TestBackend(vertx);
        http = new Http(vertx);
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, "http://127.0.0.1:" + backend.port(), """
                transform:
                  default_action: annotate
                  actions: {email: pseudonymize, credit_card: placeholder, private_key: block}
                  block_threshold: 101
                """).replace("response_timeout_ms: 500", "response_timeout_ms: 500\n  inspect_bodies: true"));
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
    void piiIsRemovedBeforeTheUpstreamAndPseudonymsAreRestoredForTheClient() {
        String chat = """
                {"model":"gpt-4o","messages":[{"role":"user","content":"Mail alice@example.com, card 4111 1111 1111 1111 ✓"}]}""";
        Http.Response r = http.post(gateway.url("/proxy/v1/chat/completions"), chat,
                "Authorization", "Bearer " + issuer.token("alice", Map.of()), "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);

        // what the upstream (the model provider) saw
        assertThat(backend.lastBody).doesNotContain("alice@example.com").doesNotContain("4111 1111 1111 1111");
        assertThat(backend.lastBody).contains("<EMAIL_1>").contains("[CREDIT_CARD]").contains("✓");
        // the client gets its own data back where the upstream echoed a pseudonym; the card stays redacted
        String seenByClient = r.json().get("body").asString();
        assertThat(seenByClient).contains("alice@example.com").contains("[CREDIT_CARD]").doesNotContain("<EMAIL_1>");
        assertThat(r.header("X-GatewayStack-Redacted")).contains("email=1").contains("credit_card=1");
    }

    @Test
    void aBlockedTypeIs403ContentBlockedWithRiskAndLabels() {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\"}]}";
        Http.Response r = http.post(gateway.url("/proxy/v1/chat/completions"), body,
                "Authorization", "Bearer " + issuer.token("alice", Map.of()), "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asString()).isEqualTo("content_blocked");
        assertThat(r.json().has("risk_score")).isTrue();
        assertThat(r.json().get("labels").toString()).contains("secrets");
        assertThat(r.body()).doesNotContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
    }

    @Test
    void cleanRequestsPassUntouchedAndUnflagged() {
        String body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}";
        Http.Response r = http.post(gateway.url("/proxy/v1/chat/completions"), body,
                "Authorization", "Bearer " + issuer.token("alice", Map.of()), "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(backend.lastBody).isEqualTo(body);
        assertThat(r.header("X-GatewayStack-Redacted")).isNull();
    }
}
