package io.gatewaystack.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.GatewayServer;
import io.gatewaystack.server.TestIssuerAccess;
import io.gatewaystack.server.config.ConfigLoader;
import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Responses API is budgeted like chat completions: the pre-flight reserves its worst case and the settlement
 * uses the usage the provider reported, streamed (from {@code response.completed}) or not, natively or translated.
 * Prices as in {@code BudgetsOverHttpTest}: 0.10 USD per token; the fake counts words.
 */
class ResponsesBudgetTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void responsesSettleTheReportedUsageAgainstTheBudget() throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeLlm fake = FakeLlm.start(vertx, 0);
        try (TestIssuerAccess issuer = new TestIssuerAccess()) {
            String yaml = """
                    server: {host: 127.0.0.1, port: 0, event_loops: 1}
                    audit: {enabled: false}
                    identity:
                      issuers: [{issuer: "%s", audiences: ["%s"], jwks_uri: "%s"}]
                    llm:
                      providers:
                        fake: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, auth: {mode: api_key, env: K}}
                        claude: {kind: anthropic, base_url: "http://127.0.0.1:%4$d/v1", allow_private: true, auth: {mode: api_key, env: K}}
                      models:
                        chat: {targets: [fake/echo]}
                        claude: {targets: [claude/echo]}
                    limits:
                      budgets:
                        - {name: user-day, key: [user], usd: 100.00, period: day}
                      prices:
                        models: {echo: {input: 100000, output: 100000}}
                    """.formatted(issuer.issuer(), issuer.audience(), issuer.jwksUri(), fake.port());
            GatewayServer gateway = GatewayServer.start(vertx, ConfigLoader.load(ConfigLoader.parseYaml(yaml, "t"), Map.of("K", "k")),
                    new java.io.ByteArrayOutputStream());
            HttpClient client = vertx.createHttpClient();
            try {
                String token = "Bearer " + issuer.token("rosa", Map.of());
                double spent = 0;
                // each call: 3 words in, 3 words out = 6 tokens = 0.60 USD, whichever way it went
                for (String model : new String[] {"chat", "claude"}) {
                    for (boolean stream : new boolean[] {false, true}) {
                        String body = "{\"model\":\"" + model + "\",\"stream\":" + stream
                                + ",\"max_output_tokens\":3,\"input\":\"one two three\"}";
                        int status = client.request(new RequestOptions().setMethod(HttpMethod.POST)
                                        .setAbsoluteURI("http://127.0.0.1:" + gateway.port() + "/v1/responses")
                                        .putHeader("Authorization", token).putHeader("Content-Type", "application/json"))
                                .compose(r -> r.send(Buffer.buffer(body)))
                                .compose(r -> r.body().map(b -> r.statusCode()))
                                .await(20, TimeUnit.SECONDS);
                        assertThat(status).isEqualTo(200);
                        spent += 0.6;
                        JsonNode budget = null;
                        for (int i = 0; i < 100; i++) { // settlement runs just after the response
                            String usage = client.request(new RequestOptions().setMethod(HttpMethod.GET)
                                            .setAbsoluteURI("http://127.0.0.1:" + gateway.port() + "/v1/usage/me")
                                            .putHeader("Authorization", token))
                                    .compose(r -> r.send()).compose(r -> r.body()).map(Buffer::toString)
                                    .await(20, TimeUnit.SECONDS);
                            budget = JSON.readTree(usage).path("budgets").path(0);
                            if (Math.abs(budget.path("spent").asDouble() - spent) < 1e-9 && budget.path("reserved").asDouble() == 0) {
                                break;
                            }
                            Thread.sleep(20);
                        }
                        assertThat(budget.path("spent").asDouble()).as(model + " stream=" + stream).isCloseTo(spent,
                                org.assertj.core.data.Offset.offset(1e-9));
                        assertThat(budget.path("reserved").asDouble()).isZero();
                    }
                }
            } finally {
                gateway.stop();
            }
        } finally {
            fake.close();
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
