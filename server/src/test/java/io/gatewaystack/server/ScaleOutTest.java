package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.gatewaystack.audit.UsageReport;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.audit.PostgresSchema;
import io.gatewaystack.limits.store.RedisSupport;
import io.gatewaystack.server.demo.FakeLlm;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Three gateway <em>processes</em> on one Redis and one PostgreSQL, as in production behind a load balancer: every
 * replica started from the same configuration, with its own port and audit spool.
 *
 * <p>Shows, under concurrent load through all three at once: a global rate limit admits exactly its cap, a money
 * budget is never overspent, an MCP session started on one replica continues on the others, every replica publishes
 * the same identity-assertion key, every answered request has exactly one audit event in PostgreSQL (also the ones a
 * replica answered just before it was killed with SIGKILL, once it restarts on its spool), and the usage report adds
 * up to the raw events and to the budget's own count.
 */
class ScaleOutTest {

    private static final String BODY = "{\"model\":\"chat\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}";

    @TempDir
    Path dir;

    private PostgresSchema database;
    private String jdbcUrl;
    private Vertx vertx;
    private FakeLlm llm;
    private TestBackend tools;
    private TestIssuer issuer;
    private RedisSupport redis;
    private final Map<String, Process> replicas = new HashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger requestIds = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        database = PostgresSchema.create("scale");
        jdbcUrl = database.url();
        vertx = Vertx.vertx();
        llm = FakeLlm.start(vertx, 0);
        tools = new TestBackend(vertx);
        issuer = new TestIssuer();
        redis = RedisSupport.shared();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : replicas.values()) {
            process.destroy();
        }
        for (Process process : replicas.values()) {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (redis != null) {
            redis.close();
        }
        if (issuer != null) {
            issuer.close();
        }
        if (tools != null) {
            tools.close();
        }
        if (llm != null) {
            llm.close();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void threeReplicasShareLimitsBudgetsSessionsAndTheAuditTrail() throws Exception {
        Path keyFile = dir.resolve("assertion-key.json");
        Files.writeString(keyFile, new ECKeyGenerator(Curve.P_256).keyID("gw-key-1").generate().toJSONString());
        for (String name : List.of("a", "b", "c")) {
            ports.put(name, freePort());
            launch(name, keyFile);
        }
        for (String name : List.of("a", "b", "c")) {
            awaitHealthy(name);
        }
        List<Answer> answers = new ArrayList<>();

        // 1. A global rate limit: 6 users x 9 pings spread over the three replicas at once; 5 per user get through.
        List<CompletableFuture<Answer>> pings = new ArrayList<>();
        for (int u = 0; u < 6; u++) {
            String token = issuer.token("rate-" + u, Map.of());
            for (int i = 0; i < 9; i++) {
                pings.add(send(replica(u + i), "GET", "/protected/ping", token, null));
            }
        }
        List<Answer> pinged = join(pings);
        answers.addAll(pinged);
        assertThat(pinged.stream().filter(a -> a.status == 200).count()).isEqualTo(30);
        assertThat(pinged.stream().filter(a -> a.status == 429).count()).isEqualTo(24);

        // 2. A money budget: 12 users of one org call the model through all three replicas at once. Each call
        // reserves 1.60 USD and costs 0.60 USD; the org has 3.00 USD a day.
        List<CompletableFuture<Answer>> calls = new ArrayList<>();
        for (int u = 0; u < 12; u++) {
            calls.add(send(replica(u), "POST", "/v1/chat/completions",
                    issuer.token("spender-" + u, Map.of("org_id", "acme")), BODY));
        }
        List<Answer> called = join(calls);
        answers.addAll(called);
        long admitted = called.stream().filter(a -> a.status == 200).count();
        assertThat(called).allSatisfy(a -> assertThat(a.status).isIn(200, 429));
        assertThat(admitted).isBetween(1L, 5L);
        String orgReader = issuer.token("spender-0", Map.of("org_id", "acme"));
        JsonNode budget = settledBudget("b", orgReader, admitted * 0.6);
        assertThat(budget.path("spent").asDouble()).isCloseTo(admitted * 0.6, org.assertj.core.data.Offset.offset(1e-9))
                .isLessThanOrEqualTo(3.0);

        // 3. An MCP session started on one replica continues on the others (stateless signed session ids).
        String mcpToken = issuer.token("mcp-user", Map.of("scope", "echo:call"));
        Answer init = send("a", "POST", "/mcp", mcpToken, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}").join();
        String session = init.sessionId;
        assertThat(init.status).isEqualTo(200);
        assertThat(session).isNotBlank();
        Answer list = send("b", "POST", "/mcp", mcpToken, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", session).join();
        assertThat(list.status).isEqualTo(200);
        assertThat(list.body).contains("\"echo_tool\"");
        Answer call = send("c", "POST", "/mcp", mcpToken, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo_tool\",\"arguments\":{\"text\":\"hi\"}}}", session).join();
        assertThat(call.status).isEqualTo(200);
        assertThat(call.json().path("result").path("isError").asBoolean(true)).isFalse();
        answers.addAll(List.of(init, list, call));

        // 4. Every replica publishes the same assertion key, so any replica's assertion verifies everywhere.
        String jwks = get("a", "/.well-known/gateway-jwks.json");
        assertThat(jwks).contains("gw-key-1");
        assertThat(get("b", "/.well-known/gateway-jwks.json")).isEqualTo(jwks);
        assertThat(get("c", "/.well-known/gateway-jwks.json")).isEqualTo(jwks);

        // 5. Replica c is killed (SIGKILL) while a and b carry on under load; then it restarts on its spool.
        Thread.sleep(1000); // c's answers so far are in its spool (written within milliseconds of each response)
        List<CompletableFuture<Answer>> during = new ArrayList<>();
        for (int u = 0; u < 20; u++) {
            during.add(send(u % 2 == 0 ? "a" : "b", "GET", "/protected/ping", issuer.token("late-" + u, Map.of()), null));
        }
        replicas.get("c").destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        List<Answer> carriedOn = join(during);
        assertThat(carriedOn).allSatisfy(a -> assertThat(a.status).isEqualTo(200));
        answers.addAll(carriedOn);
        launch("c", keyFile);
        awaitHealthy("c");

        // 6. Exactly one audit event per answered request, none twice, none lost.
        Map<String, Integer> events = awaitEvents(answers);
        for (Answer a : answers) {
            assertThat(events.get(a.requestId)).as("audit events of %s (%s %s on %s, status %d)", a.requestId,
                    a.method, a.path, a.replica, a.status).isEqualTo(1);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT event_id), count(DISTINCT chain) FROM audit_events")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(rs.getLong(2));
            assertThat(rs.getLong(3)).as("one hash chain per replica").isEqualTo(3);
        }

        // 7. The usage report adds up: the org's cost in the audit trail is what the budget counted.
        UsageReport.Report report;
        try (JdbcAuditStore store = JdbcAuditStore.open(jdbcUrl)) {
            report = UsageReport.compute(store, UsageReport.By.ORG, 0);
        }
        UsageReport.Row acme = report.rows().stream().filter(r -> "acme".equals(r.key())).findFirst().orElseThrow();
        assertThat(acme.costMicros()).isEqualTo(admitted * 600_000); // the budget reads cost nothing
        assertThat(acme.denied()).isEqualTo(12 - admitted);
        assertThat(acme.inputTokens()).isEqualTo(admitted * 3);
    }

    private void launch(String name, Path keyFile) throws IOException {
        Path config = dir.resolve("gateway-" + name + ".yaml");
        Files.writeString(config, """
                server: {host: 127.0.0.1, port: %d, event_loops: 1, shutdown_grace_seconds: 5}
                audit: {dir: "%s", instance_id: "replica-%s"}
                identity:
                  issuers: [{issuer: "%s", audiences: ["%s"], jwks_uri: "%s"}]
                identity_assertion: {key_file: "%s"}
                llm:
                  providers:
                    fake: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, auth: {mode: api_key, env: LLM_KEY}}
                  models:
                    chat: {targets: [fake/echo]}
                mcp:
                  allow_private_backends: true
                  tools:
                    - {name: echo_tool, description: Echo, required_scopes: ["echo:call"], backend_url: "http://127.0.0.1:%d/echo"}
                limits:
                  store: redis
                  redis_url: "%s"
                  redis_key_prefix: "%s"
                  redis_timeout_ms: 5000
                  rules: [{name: per-user-route, key: [user, route], max: 5, window_ms: 60000}]
                  budgets: [{name: org-day, key: [org], usd: 3.00, period: day}]
                  prices: {models: {echo: {input: 100000, output: 100000}}}
                """.formatted(ports.get(name), dir.resolve("audit-" + name), name, issuer.issuer(), TestIssuer.AUDIENCE,
                issuer.jwksUri(), keyFile, llm.port(), tools.port(), redis.url(), redis.prefix));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "io.gatewaystack.server.cli.GatewayStackCommand",
                "serve", "--config", config.toString());
        builder.environment().put("LLM_KEY", "k");
        builder.environment().put("MCP_SESSION_KEY", "0123456789abcdef0123456789abcdef-shared");
        builder.environment().put("DATABASE_URL", jdbcUrl);
        builder.environment().remove("REDIS_URL");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                dir.resolve("replica-" + name + ".log").toFile()));
        replicas.put(name, builder.start());
    }

    private void awaitHealthy(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!replicas.get(name).isAlive()) {
                fail("replica " + name + " exited: " + Files.readString(dir.resolve("replica-" + name + ".log")));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url(name, "/health/live")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("replica " + name + " did not become healthy: " + Files.readString(dir.resolve("replica-" + name + ".log")));
    }

    private String replica(int i) {
        return List.of("a", "b", "c").get(i % 3);
    }

    private String url(String replica, String path) {
        return "http://127.0.0.1:" + ports.get(replica) + path;
    }

    private record Answer(String replica, String method, String path, String requestId, int status, String body,
                          String sessionId) {
        JsonNode json() {
            return Http.JSON.readTree(body);
        }
    }

    private CompletableFuture<Answer> send(String replica, String method, String path, String token, String body) {
        return send(replica, method, path, token, body, null);
    }

    private CompletableFuture<Answer> send(String replica, String method, String path, String token, String body,
                                           String session) {
        String requestId = "scale-" + requestIds.incrementAndGet();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(replica, path))).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("X-Request-Id", requestId)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
        }
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> new Answer(replica,
                method, path, requestId, r.statusCode(), r.body(), r.headers().firstValue("Mcp-Session-Id").orElse(null)));
    }

    private static List<Answer> join(List<CompletableFuture<Answer>> futures) {
        return futures.stream().map(f -> f.orTimeout(60, TimeUnit.SECONDS).join()).toList();
    }

    private String get(String replica, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(replica, path))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode settledBudget(String replica, String token, double spent) throws Exception {
        JsonNode budget = null;
        for (int i = 0; i < 100; i++) {
            Answer me = send(replica, "GET", "/v1/usage/me", token, null).join();
            budget = me.json().path("budgets").path(0);
            if (Math.abs(budget.path("spent").asDouble() - spent) < 1e-9 && budget.path("reserved").asDouble() == 0) {
                break;
            }
            Thread.sleep(50);
        }
        return budget;
    }

    /** Events per request id, once every answered request has arrived (bounded wait: sinks deliver in batches). */
    private Map<String, Integer> awaitEvents(List<Answer> answers) throws Exception {
        Map<String, Integer> counts = new HashMap<>();
        for (int attempt = 0; attempt < 150; attempt++) {
            counts.clear();
            try (Connection c = DriverManager.getConnection(jdbcUrl); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT request_id, count(*) FROM audit_events GROUP BY request_id")) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            } catch (java.sql.SQLException e) {
                // the table appears with the first replica's migration
            }
            if (answers.stream().allMatch(a -> counts.containsKey(a.requestId))) {
                return counts;
            }
            Thread.sleep(200);
        }
        return counts;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
