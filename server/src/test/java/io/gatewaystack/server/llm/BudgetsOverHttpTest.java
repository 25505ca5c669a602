package io.gatewaystack.server.llm;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.limits.store.RedisSupport;
import io.gatewaystack.server.GatewayServer;
import io.gatewaystack.server.TestIssuerAccess;
import io.gatewaystack.server.config.ConfigLoader;
import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Money budgets end to end: a real gateway, the fake LLM as provider, real tokens. The fake counts whitespace words
 * as tokens; the price is set to 0.10 USD per token so the numbers are easy to follow.
 *
 * <p>A request with the message "one two three" and {@code max_tokens: 3} reserves its worst case: 13 prompt tokens
 * (3 words are 3 o200k tokens, plus 4 framing and 3 priming, times 1.3 because "echo" has no local tokenizer) and 3
 * output tokens, 16 tokens = 1.60 USD. The provider reports 3 in and 3 out, so it settles at 0.60 USD.
 */
class BudgetsOverHttpTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BODY = "{\"model\":\"chat\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}";

    private Vertx vertx;
    private FakeLlm fake;
    private TestIssuerAccess issuer;
    private HttpClient client;
    private final List<GatewayServer> gateways = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        fake = FakeLlm.start(vertx, 0);
        issuer = new TestIssuerAccess();
        client = vertx.createHttpClient();
    }

    @AfterEach
    void stop() throws Exception {
        for (GatewayServer g : gateways) {
            g.stop();
        }
        issuer.close();
        fake.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private GatewayServer gateway(String limitsYaml, Path auditDir) throws Exception {
        String audit = auditDir == null ? "{enabled: false}" : "{dir: \"" + auditDir + "\"}";
        String yaml = """
                server: {host: 127.0.0.1, port: 0, event_loops: 1}
                audit: %s
                identity:
                  issuers: [{issuer: "%s", audiences: ["%s"], jwks_uri: "%s"}]
                llm:
                  providers:
                    fake: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, auth: {mode: api_key, env: K}}
                  models:
                    chat: {targets: [fake/echo]}
                limits:
                %s
                  prices:
                    models: {echo: {input: 100000, output: 100000}}
                """.formatted(audit, issuer.issuer(), issuer.audience(), issuer.jwksUri(), fake.port(), limitsYaml);
        GatewayServer g = GatewayServer.start(vertx, ConfigLoader.load(ConfigLoader.parseYaml(yaml, "t"), Map.of("K", "k")),
                new java.io.ByteArrayOutputStream());
        gateways.add(g);
        return g;
    }

    private record Answer(int status, String body, String remaining, String retryAfter) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Answer call(GatewayServer g, HttpMethod method, String path, String token, String body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method)
                .setAbsoluteURI("http://127.0.0.1:" + g.port() + path)
                .putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
        return client.request(options)
                .compose(r -> body == null ? r.send() : r.send(Buffer.buffer(body)))
                .compose(r -> r.body().map(b -> answer(r, b)))
                .await(20, TimeUnit.SECONDS);
    }

    private static Answer answer(HttpClientResponse r, Buffer b) {
        return new Answer(r.statusCode(), b.toString(), r.getHeader("X-GatewayStack-Budget-Remaining"),
                r.getHeader("Retry-After"));
    }

    /** Settlement runs just after the response; reads poll (bounded) until it shows. */
    private JsonNode budgetOnceSettled(GatewayServer g, String token, double spent) throws Exception {
        JsonNode budget = null;
        for (int i = 0; i < 250; i++) { // settlement runs after the response: up to 5 s on a loaded machine
            budget = call(g, HttpMethod.GET, "/v1/usage/me", token, null).json().path("budgets").path(0);
            if (Math.abs(budget.path("spent").asDouble() - spent) < 1e-9 && budget.path("reserved").asDouble() == 0) {
                return budget;
            }
            Thread.sleep(20);
        }
        return budget;
    }

    @Test
    void aBudgetReservesTheWorstCaseSettlesTheRealCostAndThenRefuses() throws Exception {
        Path audit = Files.createTempDirectory("gw-budget-audit");
        GatewayServer g = gateway("""
                  budgets:
                    - {name: user-day, key: [user], usd: 2.00, period: day}
                """, audit);
        String alice = issuer.token("alice", Map.of());

        Answer first = call(g, HttpMethod.POST, "/v1/chat/completions", alice, BODY);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.remaining()).isEqualTo("user-day=0.400000");

        JsonNode budget = budgetOnceSettled(g, alice, 0.6);
        assertThat(budget.path("name").asString()).isEqualTo("user-day");
        assertThat(budget.path("meter").asString()).isEqualTo("cost");
        assertThat(budget.path("currency").asString()).isEqualTo("USD");
        assertThat(budget.path("limit").asDouble()).isEqualTo(2.0);
        assertThat(budget.path("spent").asDouble()).isEqualTo(0.6);
        assertThat(budget.path("remaining").asDouble()).isEqualTo(1.4);
        assertThat(budget.path("resets_in_seconds").asLong()).isBetween(1L, 86_400L);

        Answer refused = call(g, HttpMethod.POST, "/v1/chat/completions", alice, BODY);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("error").path("code").asString("")
                + refused.json().path("error").asString("")).contains("budget_exceeded");
        assertThat(refused.body()).contains("user-day").contains("1.400000 USD left");
        assertThat(Long.parseLong(refused.retryAfter())).isBetween(1L, 86_400L);

        // Another user has a budget of their own.
        assertThat(call(g, HttpMethod.POST, "/v1/chat/completions", issuer.token("bob", Map.of()), BODY).status())
                .isEqualTo(200);

        // The audit trail reports the priced cost: 0.60 USD for alice's one answered call.
        JsonNode me = null;
        for (int i = 0; i < 100; i++) {
            me = call(g, HttpMethod.GET, "/v1/usage/me", alice, null).json();
            if (me.path("last_24h").path("requests").asLong() >= 3) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(me.path("last_24h").path("cost").asDouble()).isEqualTo(0.6);
        assertThat(me.path("last_24h").path("denied").asLong()).isEqualTo(1);
    }

    @Test
    void aStreamedCallSettlesWithTheUsageFromTheStream() throws Exception {
        GatewayServer g = gateway("""
                  budgets:
                    - {name: user-day, key: [user], usd: 2.00, period: day}
                  token_limits:
                    - {name: user-tokens, key: [user], tokens: 100, count: total, period: hour}
                """, null);
        String carol = issuer.token("carol", Map.of());
        String streamed = BODY.replace("\"max_tokens\":3", "\"max_tokens\":3,\"stream\":true");
        Answer answer = call(g, HttpMethod.POST, "/v1/chat/completions", carol, streamed);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("data: [DONE]");
        assertThat(answer.remaining()).isEqualTo("user-day=0.400000, user-tokens=84");
        JsonNode budget = budgetOnceSettled(g, carol, 0.6);
        assertThat(budget.path("spent").asDouble()).isEqualTo(0.6);
        JsonNode me = call(g, HttpMethod.GET, "/v1/usage/me", carol, null).json();
        assertThat(me.path("budgets").path(1).path("name").asString()).isEqualTo("user-tokens");
        assertThat(me.path("budgets").path(1).path("spent").asLong()).isEqualTo(6);
        assertThat(me.path("budgets").path(1).path("remaining").asLong()).isEqualTo(94);
    }

    @Test
    void twoGatewaysOnOneRedisNeverOverspendOneBudget() throws Exception {
        try (RedisSupport redis = RedisSupport.shared()) {
            String shared = """
                      store: redis
                      redis_url: "%s"
                      redis_key_prefix: "%s"
                      redis_timeout_ms: 5000
                      budgets:
                        - {name: org-day, key: [org], usd: 5.00, period: day}
                    """.formatted(redis.url(), redis.prefix);
            GatewayServer a = gateway(shared, null);
            GatewayServer b = gateway(shared, null);
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                GatewayServer g = i % 2 == 0 ? a : b;
                String token = issuer.token("user-" + i, Map.of("org_id", "acme"));
                calls.add(client.request(new RequestOptions().setMethod(HttpMethod.POST)
                                .setAbsoluteURI("http://127.0.0.1:" + g.port() + "/v1/chat/completions")
                                .putHeader("Authorization", "Bearer " + token)
                                .putHeader("Content-Type", "application/json"))
                        .compose(r -> r.send(Buffer.buffer(BODY)))
                        .compose(r -> r.body().map(x -> r.statusCode())));
            }
            int ok = 0;
            for (Future<Integer> f : calls) {
                int status = f.await(30, TimeUnit.SECONDS);
                assertThat(status).isIn(200, 429);
                ok += status == 200 ? 1 : 0;
            }
            // Reservations of 1.60 against 5.00: at most 3 in flight at once; every admitted call costs 0.60.
            assertThat(ok).isGreaterThanOrEqualTo(3);
            String token = issuer.token("user-0", Map.of("org_id", "acme"));
            JsonNode budget = budgetOnceSettled(a, token, ok * 0.6);
            assertThat(budget.path("spent").asDouble()).isCloseTo(ok * 0.6, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(budget.path("spent").asDouble()).isLessThanOrEqualTo(5.0);
            assertThat(budget.path("reserved").asDouble()).isZero();
        }
    }

    @Test
    void aGracefulStopSettlesTheReservationsOfRequestsInFlight() throws Exception {
        try (RedisSupport redis = RedisSupport.shared()) {
            String shared = """
                      store: redis
                      redis_url: "%s"
                      redis_key_prefix: "%s"
                      budgets:
                        - {name: user-day, key: [user], usd: 2.00, period: day}
                    """.formatted(redis.url(), redis.prefix);
            GatewayServer stopping = gateway(shared, null);
            String dave = issuer.token("dave", Map.of());
            fake.stallNext(1500, 1);
            int before = fake.requestCount();
            var inFlight = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return call(stopping, HttpMethod.POST, "/v1/chat/completions", dave, BODY);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 500 && fake.requestCount() == before; i++) {
                Thread.sleep(10); // until the call reached the provider: reserved, now waiting on the stall
            }
            assertThat(fake.requestCount()).isGreaterThan(before);
            gateways.remove(stopping);
            stopping.stop(); // what SIGTERM does
            assertThat(inFlight.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
            // Another replica on the same Redis sees the reservation settled to the real cost, nothing left held.
            GatewayServer other = gateway(shared, null);
            JsonNode budget = budgetOnceSettled(other, dave, 0.6);
            assertThat(budget.path("spent").asDouble()).isEqualTo(0.6);
            assertThat(budget.path("reserved").asDouble()).isZero();
        }
    }

    @Test
    void aCallWithoutItsOwnMaximumEndsWhereItsReservationEnds() throws Exception {
        GatewayServer g = gateway("""
                  budgets:
                    - {name: user-day, key: [user], usd: 2.00, period: day}
                  default_max_output_tokens: 2
                """, null);
        String erin = issuer.token("erin", Map.of());
        String body = "{\"model\":\"chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}]}";
        Answer answer = call(g, HttpMethod.POST, "/v1/chat/completions", erin, body);
        assertThat(answer.status()).isEqualTo(200);
        // The provider (kind openai: max_completion_tokens) was asked for at most the reserved 2 tokens and ended the
        // stream itself, cleanly.
        assertThat(JSON.readTree(fake.lastRequestBody()).path("max_completion_tokens").asLong()).isEqualTo(2);
        assertThat(answer.body()).contains("\"finish_reason\":\"length\"").contains("data: [DONE]")
                .doesNotContain("three");
        assertThat(budgetOnceSettled(g, erin, 0.6).path("spent").asDouble()).isEqualTo(0.6); // 4 in + 2 out
        // A client's own maximum is left as it is.
        assertThat(call(g, HttpMethod.POST, "/v1/chat/completions", issuer.token("frank", Map.of()), BODY).status())
                .isEqualTo(200);
        assertThat(JSON.readTree(fake.lastRequestBody()).path("max_tokens").asLong()).isEqualTo(3);
    }
}
