package io.gatewaystack.examples.notes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application as it runs: a real Spring Boot app on a random port with the starter configured only
 * through properties, real tokens from a real OIDC server (mock-oauth2-server), the example's policy file, the
 * limits layer on Redis (when it answers; in memory otherwise) and the audit trail in PostgreSQL (its own schema).
 */
class NotesApplicationTest {

    static final String AUDIENCE = "notes-api";
    static final int RATE_MAX = 5;

    static MockOAuth2Server idp;
    static ConfigurableApplicationContext app;
    static HttpClient http;
    static String base;
    static String databaseUrl;
    static String schemaUrl;
    static String schema;
    static Path auditDir;

    @BeforeAll
    static void start() throws Exception {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        // The OIDC server's first answer loads a lot of classes: ask once before the verifier (3 s timeouts) does.
        http.send(HttpRequest.newBuilder(idp.wellKnownUrl("default").uri()).build(), HttpResponse.BodyHandlers.discarding());

        databaseUrl = System.getenv().getOrDefault("DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        schema = "notes_test_" + Long.toString(System.nanoTime(), 36);
        try (Connection c = DriverManager.getConnection(databaseUrl); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (Exception e) {
            // Same rule as the audit module's PostgreSQL tests: CI requires it, a laptop may lack it.
            if ("1".equals(System.getenv("GATEWAYSTACK_REQUIRE_POSTGRES"))) {
                fail("GATEWAYSTACK_REQUIRE_POSTGRES=1 but PostgreSQL is not reachable: " + e);
            }
            System.err.println("\n!!!!! PostgreSQL not reachable (" + e + "): the example's audit trail goes to SQLite !!!!!\n");
            schema = null;
        }
        schemaUrl = schema == null ? "" : databaseUrl + (databaseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        auditDir = Files.createTempDirectory("notes-audit");

        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--gatewaystack.identity.issuers[0].issuer=" + idp.issuerUrl("default"),
                "--gatewaystack.identity.issuers[0].audiences[0]=" + AUDIENCE,
                // a list given here replaces the whole list of application.yaml (Spring's rule): every field
                "--gatewaystack.limits.rules[0].name=per-user",
                "--gatewaystack.limits.rules[0].key=user",
                "--gatewaystack.limits.rules[0].max=" + RATE_MAX,
                "--gatewaystack.limits.rules[0].window=1m",
                "--gatewaystack.limits.redis-key-prefix=notes-test-" + Long.toString(System.nanoTime(), 36) + ":",
                "--gatewaystack.audit.dir=" + auditDir,
                "--gatewaystack.audit.database-url=" + schemaUrl));
        String redis = redisUrl();
        args.add("--gatewaystack.limits.redis-url=" + (redis == null ? "" : redis));
        app = new SpringApplicationBuilder(NotesApplication.class).run(args.toArray(String[]::new));
        int port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
        base = "http://127.0.0.1:" + port;
        // the first request opens the Redis connection and fetches the issuer's keys: not part of any test's count
        assertThat(call("GET", "/notes", token("warm-up", "notes:read", List.of()), null).statusCode()).isEqualTo(200);
    }

    /** REDIS_URL, or the local default when it answers; null: the limits count in memory. */
    static String redisUrl() {
        String url = System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379");
        URI uri = URI.create(url);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 1000);
            return url;
        } catch (Exception e) {
            System.err.println("\n!!!!! Redis not reachable at " + url + ": the example's limits count in memory !!!!!\n");
            return null;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (idp != null) {
            idp.shutdown();
        }
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(databaseUrl); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
        http.close();
    }

    static String token(String subject, String scope, List<String> roles) {
        return idp.issueToken("default", "notes-client", new DefaultOAuth2TokenCallback("default", subject, "JWT",
                List.of(AUDIENCE), Map.of("scope", scope, "roles", roles, "org_id", "acme"), 300)).serialize();
    }

    static HttpResponse<String> call(String method, String path, String token, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theControllerSeesTheVerifiedIdentity() throws Exception {
        HttpResponse<String> r = call("GET", "/notes/whoami", token("ada", "notes:read", List.of("editor")), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"sub\":\"ada\"").contains("\"roles\":[\"editor\"]").contains("\"org\":\"acme\"");
        // the limits layer's headers reach the application's response
        assertThat(r.headers().firstValue("RateLimit-Policy")).isPresent();
    }

    @Test
    void eachUserSeesOnlyTheirOwnNotes() throws Exception {
        String grace = token("grace", "notes:read notes:write", List.of());
        HttpResponse<String> created = call("POST", "/notes", grace, "{\"text\":\"buy milk\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body()).contains("\"owner\":\"grace\"");
        assertThat(call("GET", "/notes", grace, null).body()).contains("buy milk");
        assertThat(call("GET", "/notes", token("linus", "notes:read", List.of()), null).body()).isEqualTo("[]");
    }

    @Test
    void thePolicyDeniesWhatNoRuleAllows() throws Exception {
        // writing without notes:write: no allow rule matches, so the default deny
        HttpResponse<String> noScope = call("POST", "/notes", token("ken", "notes:read", List.of()), "{\"text\":\"x\"}");
        assertThat(noScope.statusCode()).isEqualTo(403);
        assertThat(noScope.body()).contains("\"error\":\"policy_denied\"").contains("\"rule\":\"default\"");

        String owner = token("barbara", "notes:read notes:write", List.of());
        String id = call("POST", "/notes", owner, "{\"text\":\"keep me\"}").body().replaceAll(".*\"id\":(\\d+).*", "$1");
        HttpResponse<String> denied = call("DELETE", "/notes/" + id, owner, null);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(denied.body()).contains("\"error\":\"policy_denied\"").contains("\"rule\":\"delete-notes-others\"")
                .contains("Only admins may delete notes.");
        assertThat(call("GET", "/notes", owner, null).body()).contains("keep me");

        HttpResponse<String> admin = call("DELETE", "/notes/" + id, token("root", "notes:read", List.of("admin")), null);
        assertThat(admin.statusCode()).isEqualTo(204);
        assertThat(call("GET", "/notes", owner, null).body()).isEqualTo("[]");
    }

    @Test
    void noTokenIsTheContractsErrorAndPublicPathsStayPublic() throws Exception {
        HttpResponse<String> r = call("GET", "/notes", null, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).startsWith("{\"error\":\"missing_token\",\"error_description\":");
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"notes\"");

        HttpResponse<String> expired = call("GET", "/notes", idp.issueToken("default", "notes-client",
                new DefaultOAuth2TokenCallback("default", "old", "JWT", List.of(AUDIENCE), Map.of("scope", "notes:read"), -120))
                .serialize(), null);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("\"error\":\"token_expired\"");

        assertThat(call("GET", "/health", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void theRateLimitAnswers429PastItsMax() throws Exception {
        String token = token("hasty", "notes:read", List.of());
        for (int i = 0; i < RATE_MAX; i++) {
            assertThat(call("GET", "/notes", token, null).statusCode()).as("request %d", i + 1).isEqualTo(200);
        }
        HttpResponse<String> limited = call("GET", "/notes", token, null);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("\"error\":\"rate_limited\"");
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        // another user has their own budget
        assertThat(call("GET", "/notes", token("patient", "notes:read", List.of()), null).statusCode()).isEqualTo(200);
    }

    @Test
    void everyRequestLeavesAnAuditEvent() throws Exception {
        String allowedId = "notes-audit-ok-" + System.nanoTime();
        String deniedId = "notes-audit-denied-" + System.nanoTime();
        assertThat(call("GET", "/notes", token("audrey", "notes:read", List.of()), null, "X-Request-Id", allowedId).statusCode())
                .isEqualTo(200);
        assertThat(call("DELETE", "/notes/1", token("audrey", "notes:read", List.of()), null, "X-Request-Id", deniedId).statusCode())
                .isEqualTo(403);

        Map<String, Object> ok = awaitAuditRow(allowedId);
        assertThat(ok).containsEntry("sub", "audrey").containsEntry("route", "/notes").containsEntry("status", 200);
        Map<String, Object> denied = awaitAuditRow(deniedId);
        assertThat(denied).containsEntry("sub", "audrey").containsEntry("status", 403)
                .containsEntry("error_code", "policy_denied").containsEntry("policy_rule", "delete-notes-others");
    }

    /** The audit row of a request, waiting (bounded) for the pipeline to deliver it to the store. */
    static Map<String, Object> awaitAuditRow(String requestId) throws Exception {
        String url = schema != null ? schemaUrl : "jdbc:sqlite:" + auditDir.resolve("audit.db");
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(url);
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT sub, route, status, error_code, policy_rule FROM audit_events WHERE request_id = ?")) {
                ps.setString(1, requestId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Map<String, Object> row = new java.util.HashMap<>();
                        row.put("sub", rs.getString(1));
                        row.put("route", rs.getString(2));
                        row.put("status", rs.getInt(3));
                        row.put("error_code", rs.getString(4));
                        row.put("policy_rule", rs.getString(5));
                        assertThat(rs.next()).as("exactly one event for %s", requestId).isFalse();
                        return row;
                    }
                }
            }
            Thread.sleep(100); // polling the store: the pipeline delivers in batches, there is nothing to await on
        }
        throw new AssertionError("no audit event for request " + requestId + " within 15 s");
    }
}
