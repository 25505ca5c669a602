package io.gatewaystack.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.config.ConfigLoader;
import io.gatewaystack.server.demo.FakeLlm;
import io.gatewaystack.server.GatewayServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Policy "modify" effects on LLM calls, observed at the provider: rerouted model, capped tokens (chat and Responses
 * API), added header.
 */
class LlmPolicyTest {

    @Test
    void theFreePlanIsReroutedCappedAndTaggedAtTheProvider() throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeLlm fake = FakeLlm.start(vertx, 0);
        Path dir = Files.createTempDirectory("gw-llm-policy");
        Files.writeString(dir.resolve("policy.yaml"), """
                rules:
                  - id: everyone
                    effect: allow
                  - id: free-plan
                    effect: modify
                    when: {plan: free, model: big}
                    modify: {model: echo, max_tokens: 5, headers: {X-Plan: free, Authorization: "Bearer stolen"}}
                """);
        try (var issuer = new io.gatewaystack.server.TestIssuerAccess()) {
            String yaml = """
                    server: {host: 127.0.0.1, port: 0, event_loops: 1}
                    audit: {enabled: false}
                    identity:
                      issuers: [{issuer: "%s", audiences: ["%s"], jwks_uri: "%s"}]
                    policy: {path: "%s"}
                    llm:
                      providers:
                        fake: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, auth: {mode: api_key, env: K}}
                      models:
                        big: {targets: [fake/big]}
                        echo: {targets: [fake/echo]}
                    """.formatted(issuer.issuer(), issuer.audience(), issuer.jwksUri(), dir, fake.port());
            GatewayServer gateway = GatewayServer.start(vertx, ConfigLoader.load(ConfigLoader.parseYaml(yaml, "t"), Map.of("K", "k")),
                    new java.io.ByteArrayOutputStream());
            try {
                var client = vertx.createHttpClient();
                String body = "{\"model\":\"big\",\"max_tokens\":500,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
                for (String plan : new String[] {"free", "pro"}) {
                    int status = client.request(new RequestOptions().setMethod(HttpMethod.POST)
                                    .setAbsoluteURI("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions")
                                    .putHeader("Authorization", "Bearer " + issuer.token("u-" + plan, Map.of("plan", plan)))
                                    .putHeader("Content-Type", "application/json"))
                            .compose(r -> r.send(Buffer.buffer(body)))
                            .compose(r -> r.body().map(b -> r.statusCode()))
                            .await(20, TimeUnit.SECONDS);
                    assertThat(status).isEqualTo(200);
                    JsonNode seen = JsonMapper.builder().build().readTree(fake.lastRequestBody());
                    if (plan.equals("free")) {
                        assertThat(seen.get("model").asString()).isEqualTo("echo");
                        assertThat(seen.toString()).contains("5").doesNotContain("500");
                        assertThat(fake.lastHeader("X-Plan")).isEqualTo("free");
                        assertThat(fake.lastAuthorization()).isEqualTo("Bearer k"); // a policy header never replaces auth
                    } else {
                        assertThat(seen.get("model").asString()).isEqualTo("big");
                        assertThat(fake.lastHeader("X-Plan")).isNull();
                    }
                }
                // the Responses API names its cap max_output_tokens: the policy's cap lands there, asked for or not
                for (String responses : new String[] {
                        "{\"model\":\"big\",\"input\":\"one two three four five six seven\"}",
                        "{\"model\":\"big\",\"max_output_tokens\":500,\"input\":\"one two three four five six seven\"}"}) {
                    String answer = client.request(new RequestOptions().setMethod(HttpMethod.POST)
                                    .setAbsoluteURI("http://127.0.0.1:" + gateway.port() + "/v1/responses")
                                    .putHeader("Authorization", "Bearer " + issuer.token("u-free", Map.of("plan", "free")))
                                    .putHeader("Content-Type", "application/json"))
                            .compose(r -> r.send(Buffer.buffer(responses)))
                            .compose(r -> r.body().map(Buffer::toString))
                            .await(20, TimeUnit.SECONDS);
                    JsonNode seen = JsonMapper.builder().build().readTree(fake.lastRequestBody());
                    assertThat(seen.get("model").asString()).isEqualTo("echo");
                    assertThat(seen.get("max_output_tokens").asInt()).isEqualTo(5);
                    assertThat(seen.has("max_tokens")).isFalse();
                    JsonNode out = JsonMapper.builder().build().readTree(answer);
                    assertThat(out.get("status").asString()).isEqualTo("incomplete");
                    assertThat(out.at("/output/0/content/0/text").asString()).isEqualTo("one two three four five");
                }
            } finally {
                gateway.stop();
            }
        } finally {
            fake.close();
            vertx.close();
        }
    }
}
