package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gatewaystack.server.demo.DemoMode;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/auth0/logs} on the demo gateway against a local fake Auth0 Management API: DCR events are
 * promoted (PATCH client, client grant), the secret is checked, and Management API failures answer fast and clearly.
 */
class Auth0LogWebhookTest {

    static final String SECRET = "log-stream-secret-0123456789";
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;
    static HttpServer auth0;
    static Vertx vertx;
    static DemoMode demo;
    static Http http;
    static String hook;

    /** What the fake Management API saw: "METHOD path body". */
    static final List<String> calls = new CopyOnWriteArrayList<>();
    static final AtomicInteger tokens = new AtomicInteger();
    /** "ok", "forbidden" (403 on PATCH) or "hang" (never answers PATCH). */
    static final AtomicReference<String> mode = new AtomicReference<>("ok");

    @BeforeAll
    static void start() throws Exception {
        auth0 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        auth0.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        auth0.createContext("/oauth/token", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            if (!"mgmt-client".equals(body.path("client_id").asString()) || !"mgmt-secret".equals(body.path("client_secret").asString())
                    || !"client_credentials".equals(body.path("grant_type").asString())) {
                reply(ex, 401, "{\"error\":\"access_denied\"}");
                return;
            }
            tokens.incrementAndGet();
            reply(ex, 200, "{\"access_token\":\"mgmt-token\",\"expires_in\":86400,\"token_type\":\"Bearer\"}");
        });
        auth0.createContext("/api/v2/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!"Bearer mgmt-token".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                reply(ex, 401, "{\"message\":\"Invalid token\"}");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/api/v2/clients/") && "PATCH".equals(ex.getRequestMethod())) {
                switch (mode.get()) {
                    case "forbidden" -> {
                        reply(ex, 403, "{\"statusCode\":403,\"error\":\"Forbidden\",\"message\":\"Insufficient scope, expected any of: update:clients\"}");
                        return;
                    }
                    case "hang" -> {
                        return; // never answers: the gateway must time out, not hang
                    }
                    default -> {
                    }
                }
            }
            calls.add(ex.getRequestMethod() + " " + path + " " + body);
            boolean again = "POST".equals(ex.getRequestMethod()) && calls.stream().filter(c -> c.equals(ex.getRequestMethod() + " " + path + " " + body)).count() > 1;
            reply(ex, again ? 409 : 200, again ? "{\"message\":\"A grant already exists\"}" : "{}");
        });
        auth0.start();
        vertx = Vertx.vertx();
        Map<String, String> env = new java.util.HashMap<>(Map.of("PORT", "0", "DEMO_ISSUER_PORT", "0", "DEMO_ECHO_PORT", "0",
                "DEMO_LLM_PORT", "0", "DEMO_TOOLS_PORT", "0", "DEMO_DATA_DIR", dir.toString()));
        env.putAll(Map.of("AUTH0_LOG_WEBHOOK_SECRET", SECRET,
                "AUTH0_MANAGEMENT_URL", "http://127.0.0.1:" + auth0.getAddress().getPort(),
                "AUTH0_MGMT_CLIENT_ID", "mgmt-client", "AUTH0_MGMT_CLIENT_SECRET", "mgmt-secret",
                "AUTH0_DCR_AUDIENCE", "https://gateway.example/api", "AUTH0_DCR_SCOPES", "tool:read,openid"));
        demo = DemoMode.start(vertx, env, new ByteArrayOutputStream());
        http = new Http(vertx);
        hook = "http://127.0.0.1:" + demo.gateway().port() + "/webhooks/auth0/logs";
    }

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterAll
    static void stop() {
        http.close();
        demo.stop();
        vertx.close();
        auth0.stop(0);
    }

    @BeforeEach
    void reset() {
        calls.clear();
        mode.set("ok");
    }

    static final String BATCH = """
            [{"log_id":"1","data":{"type":"s","description":"Success Login","client_id":"web-app"}},
             {"log_id":"2","data":{"type":"sapi","description":"Dynamic client registration","client_id":"chatgpt-1",
               "details":{"request":{"method":"post","path":"/oidc/register"},"response":{"body":{"client_id":"chatgpt-1"}}}}},
             {"log_id":"3","data":{"type":"sapi","description":"Create a client",
               "details":{"request":{"method":"post","path":"/oidc/register"},"response":{"body":{"client_id":"claude-2"}}}}}]
            """;

    @Test
    void dynamicallyRegisteredClientsArePromotedOnceEach() {
        Http.Response r = http.post(hook, BATCH, "Authorization", "Bearer " + SECRET, "Content-Type", "application/json");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("events").asInt()).isEqualTo(3);
        assertThat(r.json().get("registrations").asInt()).isEqualTo(2);
        assertThat(r.json().get("promoted").toString()).isEqualTo("[\"chatgpt-1\",\"claude-2\"]");
        assertThat(calls).hasSize(4);
        assertThat(calls.get(0)).startsWith("PATCH /api/v2/clients/chatgpt-1 ")
                .contains("\"token_endpoint_auth_method\":\"none\"", "\"grant_types\":[\"authorization_code\",\"refresh_token\"]")
                .doesNotContain("is_first_party");
        assertThat(calls.get(1)).isEqualTo("POST /api/v2/client-grants "
                + "{\"client_id\":\"chatgpt-1\",\"audience\":\"https://gateway.example/api\",\"scope\":[\"tool:read\",\"openid\"]}");
        assertThat(calls.get(2)).startsWith("PATCH /api/v2/clients/claude-2 ");

        // Auth0 resends the batch (JSON lines this time): the same calls, the existing grants (409) are fine
        String lines = String.join("\n", JSON.readTree(BATCH).valueStream().map(JsonNode::toString).toList());
        Http.Response again = http.post(hook, lines, "Authorization", "Bearer " + SECRET, "Content-Type", "application/json");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("promoted").size()).isEqualTo(2);
        assertThat(tokens.get()).as("the Management API token is reused").isEqualTo(1);
    }

    @Test
    void theSecretIsCheckedBeforeAnythingElse() {
        Http.Response none = http.post(hook, BATCH, "Content-Type", "application/json");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asString()).isEqualTo("invalid_token");
        Http.Response wrong = http.post(hook, BATCH, "Authorization", "Bearer " + SECRET + "x", "Content-Type", "application/json");
        assertThat(wrong.status()).isEqualTo(401);
        Http.Response notLogs = http.post(hook, "hello", "Authorization", "Bearer " + SECRET, "Content-Type", "text/plain");
        assertThat(notLogs.status()).isEqualTo(400);
        assertThat(notLogs.json().get("error").asString()).isEqualTo("invalid_request");
        Http.Response get = http.get(hook, "Authorization", "Bearer " + SECRET);
        assertThat(get.status()).isEqualTo(405);
        assertThat(calls).isEmpty();
    }

    @Test
    void managementApiFailuresAnswerFastAndSayWhatFailed() {
        mode.set("forbidden");
        long t0 = System.nanoTime();
        Http.Response r = http.post(hook, BATCH, "Authorization", "Bearer " + SECRET, "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.json().get("error").asString()).isEqualTo("upstream_error");
        assertThat(r.json().get("error_description").asString())
                .contains("answered 403 to PATCH /api/v2/clients/chatgpt-1", "Insufficient scope, expected any of: update:clients");
        assertThat(System.nanoTime() - t0).isLessThan(3_000_000_000L);

        mode.set("hang");
        t0 = System.nanoTime();
        Http.Response slow = http.post(hook, BATCH, "Authorization", "Bearer " + SECRET, "Content-Type", "application/json");
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.json().get("error").asString()).isEqualTo("upstream_timeout");
        assertThat(slow.json().get("error_description").asString()).contains("did not answer PATCH /api/v2/clients/chatgpt-1 within 5000 ms");
        assertThat(System.nanoTime() - t0).isLessThan(15_000_000_000L);
    }
}
