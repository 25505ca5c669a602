package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.limits.store.RedisSupport;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The agent guard through the real gateway: an MCP client session looping on one call is stopped with a JSON-RPC
 * error, a workflow over its call cap gets 429 on {@code /tools}, another user's workflow of the same id is untouched,
 * and two replicas sharing Redis enforce one cap together.
 */
class AgentGuardOverHttpTest {

    private static final String ACCEPT = "application/json, text/event-stream";

    private static Vertx vertx;
    private static TestIssuer issuer;
    private static TestBackend backend;
    private static Http http;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        backend = new TestBackend(vertx);
        http = new Http(vertx);
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, null, guardYaml(4, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        http.close();
        backend.close();
        issuer.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    /** At most {@code maxCalls} calls per workflow, at most 2 identical tool calls a minute; one echo tool. */
    private static String guardYaml(int maxCalls, String redisPrefix) {
        return """
                limits:
                  %s
                  agent_guard:
                    max_calls: %d
                    idle_ttl_seconds: 600
                    loop:
                      max_repeats: 2
                      window_seconds: 60
                mcp:
                  allow_private_backends: true
                  tools:
                    - name: echo
                      description: Echoes what it gets
                      backend_url: http://127.0.0.1:%d/echo
                """.formatted(redisPrefix == null ? "store: memory" : "redis_key_prefix: \"" + redisPrefix + "\"",
                maxCalls, backend.port());
    }

    private static String bearer(String sub) {
        return "Bearer " + issuer.token(sub, Map.of());
    }

    private static Http.Response mcp(String auth, String session, String body, String... extra) {
        List<String> headers = new ArrayList<>(List.of("Authorization", auth, "Content-Type", "application/json",
                "Accept", ACCEPT));
        if (session != null) {
            headers.addAll(List.of("Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-06-18"));
        }
        headers.addAll(List.of(extra));
        return http.post(gateway.url("/mcp"), body, headers.toArray(String[]::new));
    }

    private static String initialize(String auth) {
        Http.Response init = mcp(auth, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
        assertThat(init.status()).isEqualTo(200);
        return init.header("Mcp-Session-Id");
    }

    private static String call(int id, String args) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":"
                + args + "}}";
    }

    @Test
    void anMcpSessionCallingTheSameToolWithTheSameArgumentsTripsTheLoopGuard() throws Exception {
        String alice = bearer("alice");
        String session = initialize(alice);
        // tools/list and ping are not calls
        for (int i = 0; i < 5; i++) {
            assertThat(mcp(alice, session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}").status()).isEqualTo(200);
        }
        JsonNode first = mcp(alice, session, call(2, "{\"message\":\"hi\",\"n\":1}")).json();
        assertThat(first.at("/result/isError").asBoolean()).isFalse();
        // the same call written differently is the same call
        assertThat(mcp(alice, session, call(3, "{ \"n\": 1.0, \"message\": \"hi\" }")).json().has("result")).isTrue();

        Http.Response loop = mcp(alice, session, call(4, "{\"message\":\"hi\",\"n\":1}"));
        assertThat(loop.status()).isEqualTo(429);
        assertThat(Long.parseLong(loop.header("Retry-After"))).isBetween(1L, 60L);
        JsonNode error = loop.json();
        assertThat(error.get("jsonrpc").asString()).isEqualTo("2.0");
        assertThat(error.get("id").asInt()).isEqualTo(4);
        assertThat(error.at("/error/code").asInt()).isEqualTo(-32001);
        assertThat(error.at("/error/message").asString()).contains("Loop detected", "'echo'", "2 times");
        assertThat(error.at("/error/data/error").asString()).isEqualTo("workflow_limit_exceeded");
        assertThat(error.at("/error/data/cap").asString()).isEqualTo("loop");
        assertThat(error.at("/error/data/limit").asInt()).isEqualTo(2);
        assertThat(error.at("/error/data/tool").asString()).isEqualTo("echo");

        // other arguments are another call; a new session is a new workflow
        assertThat(mcp(alice, session, call(5, "{\"message\":\"other\"}")).status()).isEqualTo(200);
        String next = initialize(alice);
        assertThat(mcp(alice, next, call(6, "{\"message\":\"hi\",\"n\":1}")).status()).isEqualTo(200);
        // the gateway is shared by this class's tests: find alice's refusal among the others
        assertThat(gateway.awaitAccessLogLine("\"sub\":\"alice\",\"org\":null,\"decision\":\"deny\",\"error\":\"workflow_limit_exceeded\""))
                .contains("\"path\":\"/mcp\"", "\"status\":429");
    }

    @Test
    void aWorkflowOverItsCallCapGets429OnToolsAndAnotherUsersSameIdIsUnaffected() {
        String carol = bearer("carol");
        for (int i = 0; i < 4; i++) {
            Http.Response ok = http.post(gateway.url("/tools/echo"), "{\"message\":\"m" + i + "\"}",
                    "Authorization", carol, "Content-Type", "application/json", "X-Workflow-Id", "nightly-run");
            assertThat(ok.status()).isEqualTo(200);
        }
        Http.Response over = http.post(gateway.url("/tools/echo"), "{\"message\":\"m5\"}",
                "Authorization", carol, "Content-Type", "application/json", "X-Workflow-Id", "nightly-run");
        assertThat(over.status()).isEqualTo(429);
        assertThat(over.json().get("error").asString()).isEqualTo("workflow_limit_exceeded");
        assertThat(over.json().get("cap").asString()).isEqualTo("calls");
        assertThat(over.json().get("limit").asInt()).isEqualTo(4);
        assertThat(over.json().get("workflow").asString()).isEqualTo("nightly-run");
        assertThat(Long.parseLong(over.header("Retry-After"))).isBetween(590L, 600L);

        // dave sends the same workflow id: his own workflow, from zero
        String dave = bearer("dave");
        for (int i = 0; i < 4; i++) {
            assertThat(http.post(gateway.url("/tools/echo"), "{\"message\":\"d" + i + "\"}", "Authorization", dave,
                    "Content-Type", "application/json", "X-Workflow-Id", "nightly-run").status()).isEqualTo(200);
        }
        // carol's other workflows and her calls without a workflow are not affected
        assertThat(http.post(gateway.url("/tools/echo"), "{}", "Authorization", carol, "Content-Type", "application/json",
                "X-Workflow-Id", "another-run").status()).isEqualTo(200);
        assertThat(http.post(gateway.url("/tools/echo"), "{}", "Authorization", carol, "Content-Type", "application/json")
                .status()).isEqualTo(200);
        // a workflow header that is not a plain bounded id is refused
        Http.Response bad = http.post(gateway.url("/tools/echo"), "{}", "Authorization", carol,
                "Content-Type", "application/json", "X-Workflow-Id", "x".repeat(129));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asString()).isEqualTo("invalid_request");
        assertThat(bad.json().get("error_description").asString()).contains("X-Workflow-Id", "128");
    }

    @Test
    void oneWorkflowIdSpansTheRestAndMcpRoutes() {
        String grace = bearer("grace");
        String session = initialize(grace);
        String[] wf = {"X-Workflow-Id", "mixed-run"};
        for (int i = 0; i < 2; i++) {
            assertThat(http.post(gateway.url("/tools/echo"), "{\"message\":\"rest" + i + "\"}", "Authorization", grace,
                    "Content-Type", "application/json", wf[0], wf[1]).status()).isEqualTo(200);
            assertThat(mcp(grace, session, call(10 + i, "{\"message\":\"mcp" + i + "\"}"), wf).status()).isEqualTo(200);
        }
        Http.Response fifth = mcp(grace, session, call(20, "{\"message\":\"fifth\"}"), wf);
        assertThat(fifth.status()).isEqualTo(429);
        assertThat(fifth.json().at("/error/data/cap").asString()).isEqualTo("calls");
        assertThat(fifth.json().at("/error/data/workflow").asString()).isEqualTo("mixed-run");
        assertThat(fifth.json().get("id").asInt()).isEqualTo(20);
        // without the header the session is its own workflow, untouched by the header's
        assertThat(mcp(grace, session, call(21, "{\"message\":\"fifth\"}")).status()).isEqualTo(200);
    }

    @Test
    void aPricedToolSpendsTheWorkflowsCostCap() {
        // echo costs 0.40 a call; the workflow may spend 1.00: checked before each call, so the third call (0.80
        // spent before it) still runs and overshoots to 1.20, and the fourth is refused
        String yaml = TestGateway.yaml(issuer, null, """
                limits:
                  tool_prices: {echo: 0.40}
                  agent_guard: {max_cost_usd: 1.00}
                mcp:
                  allow_private_backends: true
                  tools:
                    - name: echo
                      backend_url: http://127.0.0.1:%d/echo
                """.formatted(backend.port()));
        try (TestGateway priced = TestGateway.start(vertx, yaml)) {
            String heidi = bearer("heidi");
            for (int i = 0; i < 3; i++) {
                assertThat(http.post(priced.url("/tools/echo"), "{\"n\":" + i + "}", "Authorization", heidi,
                        "Content-Type", "application/json", "X-Workflow-Id", "spender").status()).isEqualTo(200);
            }
            Http.Response over = http.post(priced.url("/tools/echo"), "{\"n\":3}", "Authorization", heidi,
                    "Content-Type", "application/json", "X-Workflow-Id", "spender");
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.json().get("cap").asString()).isEqualTo("cost");
            assertThat(over.json().get("limit").decimalValue()).isEqualByComparingTo("1");
            assertThat(over.json().get("error_description").asString()).contains("spent 1.2 USD of its 1 USD");
        }
    }

    @Test
    void twoReplicasSharingRedisEnforceOneWorkflowCap() throws Exception {
        try (RedisSupport redis = RedisSupport.shared()) {
            String yaml = TestGateway.yaml(issuer, null, guardYaml(5, redis.prefix));
            Map<String, String> env = Map.of("REDIS_URL", redis.url());
            try (TestGateway one = TestGateway.start(vertx, yaml, env); TestGateway two = TestGateway.start(vertx, yaml, env)) {
                String erin = bearer("erin");
                List<CompletableFuture<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    TestGateway target = i % 2 == 0 ? one : two;
                    String body = "{\"message\":\"r" + i + "\"}";
                    calls.add(CompletableFuture.supplyAsync(() -> http.post(target.url("/tools/echo"), body,
                            "Authorization", erin, "Content-Type", "application/json", "X-Workflow-Id", "shared").status()));
                }
                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<Integer> call : calls) {
                    statuses.add(call.get(30, TimeUnit.SECONDS));
                }
                assertThat(statuses).filteredOn(s -> s == 200).hasSize(5);
                assertThat(statuses).filteredOn(s -> s == 429).hasSize(11);
                assertThat(redis.admin().sync().keys(redis.prefix + "wf:{*")).isNotEmpty();
            }
        }
    }

    @Test
    void llmCallsOfAWorkflowAreCappedInTheSdkShapeAndAudited() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gw-guard-audit");
        io.gatewaystack.server.demo.FakeLlm fake = io.gatewaystack.server.demo.FakeLlm.start(vertx, 0);
        try {
            String yaml = TestGateway.yaml(issuer, null, """
                    limits:
                      agent_guard: {max_calls: 2}
                    llm:
                      providers:
                        fake: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, auth: {mode: api_key, env: K}}
                      models:
                        echo: {targets: [fake/echo]}
                    """.formatted(fake.port())).replaceFirst("(?m)^  dir: .*$", "  dir: " + dir);
            TestGateway llm = TestGateway.start(vertx, yaml, Map.of("K", "key"));
            String body = "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"same prompt\"}]}";
            String frank = bearer("frank");
            for (int i = 0; i < 2; i++) {
                assertThat(http.post(llm.url("/v1/chat/completions"), body, "Authorization", frank,
                        "Content-Type", "application/json", "X-Workflow-Id", "agent-1").status()).isEqualTo(200);
            }
            Http.Response over = http.post(llm.url("/v1/chat/completions"), body, "Authorization", frank,
                    "Content-Type", "application/json", "X-Workflow-Id", "agent-1", "X-Request-Id", "guard-llm-3");
            assertThat(over.status()).isEqualTo(429);
            assertThat(over.header("Retry-After")).isNotNull();
            assertThat(over.body()).contains("workflow_limit_exceeded", "Workflow call limit reached");
            llm.close(); // drains and flushes the audit trail into its store

            List<JsonNode> events = new ArrayList<>();
            try (io.gatewaystack.audit.store.AuditSource source =
                         io.gatewaystack.audit.store.AuditSource.open(dir.resolve("audit.db").toString())) {
                source.forEachRow(0, row -> events.add(Http.JSON.readTree(row.json())));
            }
            JsonNode refused = events.stream().filter(e -> e.toString().contains("guard-llm-3")).findFirst().orElseThrow();
            JsonNode limits = refused.at("/decisions/limits");
            assertThat(limits.get("allowed").asBoolean()).isFalse();
            assertThat(limits.get("reasons").toString()).contains("Workflow call limit reached");
            assertThat(limits.get("retry_after_seconds").asLong()).isPositive();
            assertThat(refused.at("/outcome/error_code").asString()).isEqualTo("workflow_limit_exceeded");
            JsonNode admitted = events.stream().filter(e -> e.at("/identity/sub").asString("").equals("frank")
                    && e.at("/outcome/status").asInt() == 200).findFirst().orElseThrow();
            assertThat(admitted.at("/decisions/limits/reasons").toString()).contains("workflow agent-1: call ");
        } finally {
            fake.close();
        }
    }
}
