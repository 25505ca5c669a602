package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.server.cli.GatewayStackCommand;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

/**
 * The admin API over real HTTP, without a browser: who gets in (401, 403, scope or role), what a tenant admin sees
 * (only their tenant), and every endpoint against real traffic — search with filters and paging, an event's
 * decision trail, export, chain verification, usage (also through the CLI's --gateway mode), policies and the
 * tester, limits, health, metrics and the live stream.
 */
class AdminApiTest {

    static final String POLICY = """
            rules:
              - id: chat-for-all
                effect: allow
                when: {route: llm.chat}
              - id: pings-for-all
                effect: allow
                when: {route: protected.ping}
              - id: no-contractors
                priority: 10
                effect: deny
                reason: Contractors may not use the gateway.
                when: {claims.employment: contractor}
            """;

    static Vertx vertx;
    static io.gatewaystack.server.demo.FakeLlm llm;
    static TestIssuer issuer;
    static Http http;
    static TestGateway gateway;
    static String admin;
    static String acmeAdmin;
    static String roleAdmin;
    static String user;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        http = new Http(vertx);
        Path dir = Files.createTempDirectory("gw-admin-policy");
        Files.writeString(dir.resolve("policy.yaml"), POLICY);
        llm = io.gatewaystack.server.demo.FakeLlm.start(vertx, 0);
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, null, """
                policy: {path: %s}
                limits:
                  rules:
                    - {name: per-user, key: [user], max: 100, window_ms: 60000}
                  budgets:
                    - {name: user-daily, key: [user], usd: 5.00, period: day}
                  prices:
                    models: {echo: {input: 1000, output: 1000}}
                llm:
                  providers:
                    fake: {kind: openai, base_url: "http://127.0.0.1:%d/v1", allow_private: true, auth: {mode: api_key, env: FAKE_KEY}}
                  models:
                    echo: {targets: [fake/echo]}
                """.formatted(dir.resolve("policy.yaml"), llm.port())), Map.of("FAKE_KEY", "k"));
        admin = Http.bearer(issuer.token("root", Map.of("scope", "gateway:admin")));
        acmeAdmin = Http.bearer(issuer.token("acme-boss", Map.of("scope", "gateway:admin", "tenant_id", "acme")));
        roleAdmin = Http.bearer(issuer.token("ops", Map.of("roles", List.of("gateway:admin"))));
        user = Http.bearer(issuer.token("mallory", Map.of("scope", "tool:read")));
        // traffic: two tenants, allowed and denied
        for (int i = 0; i < 3; i++) {
            assertThat(ping("alice", Map.of("tenant_id", "acme", "org_id", "acme"))).isEqualTo(200);
        }
        assertThat(ping("bob", Map.of("tenant_id", "globex", "org_id", "globex"))).isEqualTo(200);
        assertThat(ping("carl", Map.of("tenant_id", "acme", "org_id", "acme", "employment", "contractor"))).isEqualTo(403);
        assertThat(ping("dora", Map.of("tenant_id", "globex", "org_id", "globex", "employment", "contractor"))).isEqualTo(403);
        awaitEvents("route=protected.ping", 6);
    }

    static int ping(String sub, Map<String, Object> claims) {
        return http.get(gateway.url("/protected/ping"), "Authorization", Http.bearer(issuer.token(sub, claims))).status();
    }

    /** Waits (bounded) until the store holds {@code n} events matching the query: the trail is asynchronous. */
    static JsonNode awaitEvents(String query, int n) throws InterruptedException {
        JsonNode last = null;
        for (int i = 0; i < 200; i++) {
            last = http.get(gateway.url("/admin/api/audit/events?" + query), "Authorization", admin).json();
            if (last.get("events").size() >= n) {
                return last;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("expected " + n + " events for " + query + ", got " + last);
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        gateway.close();
        llm.close().await(5, TimeUnit.SECONDS);
        issuer.close();
        vertx.close();
    }

    @Test
    void onlyAdminsGetIn() {
        Http.Response none = http.get(gateway.url("/admin/api/me"));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("error").asString()).isEqualTo("missing_token");

        Http.Response notAdmin = http.get(gateway.url("/admin/api/health"), "Authorization", user);
        assertThat(notAdmin.status()).isEqualTo(403);
        assertThat(notAdmin.json().get("error").asString()).isEqualTo("insufficient_scope");
        assertThat(notAdmin.json().get("required_scopes").get(0).asString()).isEqualTo("gateway:admin");
        for (String path : List.of("audit/events", "usage", "policies", "limits", "live", "audit/export")) {
            assertThat(http.get(gateway.url("/admin/api/" + path), "Authorization", user).status()).as(path).isEqualTo(403);
        }
        assertThat(http.post(gateway.url("/admin/api/policies/test"), "{}", "Authorization", user,
                "Content-Type", "application/json").status()).isEqualTo(403);

        JsonNode me = http.get(gateway.url("/admin/api/me"), "Authorization", admin).json();
        assertThat(me.get("sub").asString()).isEqualTo("root");
        assertThat(me.get("all_tenants").asBoolean()).isTrue();
        assertThat(http.get(gateway.url("/admin/api/me"), "Authorization", roleAdmin).status()).isEqualTo(200);
        JsonNode tenant = http.get(gateway.url("/admin/api/me"), "Authorization", acmeAdmin).json();
        assertThat(tenant.get("tenant").asString()).isEqualTo("acme");
        assertThat(tenant.get("all_tenants").asBoolean()).isFalse();
    }

    @Test
    void searchFiltersAndPagesAndShowsTheDecisionTrail() throws Exception {
        JsonNode denied = awaitEvents("decision=deny&route=protected.ping", 2);
        for (JsonNode e : denied.get("events")) {
            assertThat(e.get("decision").asString()).isEqualTo("deny");
            assertThat(e.get("rule").asString()).isEqualTo("no-contractors");
        }
        JsonNode page1 = http.get(gateway.url("/admin/api/audit/events?org=acme&limit=3"), "Authorization", admin).json();
        assertThat(page1.get("events").size()).isEqualTo(3);
        String cursor = page1.get("next").asString();
        JsonNode page2 = http.get(gateway.url("/admin/api/audit/events?org=acme&limit=3&cursor="
                + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8)), "Authorization", admin).json();
        assertThat(page2.get("events").size()).isEqualTo(1);
        assertThat(page2.get("next").isNull()).isTrue();
        List<String> ids = new ArrayList<>();
        page1.get("events").forEach(e -> ids.add(e.get("event_id").asString()));
        page2.get("events").forEach(e -> assertThat(ids).doesNotContain(e.get("event_id").asString()));

        JsonNode byUser = http.get(gateway.url("/admin/api/audit/events?user=alice&status=2xx"), "Authorization", admin).json();
        assertThat(byUser.get("events").size()).isEqualTo(3);

        String id = denied.get("events").get(0).get("event_id").asString();
        JsonNode detail = http.get(gateway.url("/admin/api/audit/events/" + id), "Authorization", admin).json();
        assertThat(detail.get("hash_matches").asBoolean()).isTrue();
        JsonNode policy = detail.get("event").get("decisions").get("policy");
        assertThat(policy.get("rule").asString()).isEqualTo("no-contractors");
        assertThat(policy.get("reasons").get(0).asString()).contains("Contractors may not use the gateway.");
        assertThat(detail.get("summary").get("reasons").asString()).contains("Contractors");

        assertThat(http.get(gateway.url("/admin/api/audit/events/01900000-0000-7000-8000-000000000000"), "Authorization", admin).status()).isEqualTo(404);
        assertThat(http.get(gateway.url("/admin/api/audit/events/not'an-id"), "Authorization", admin).status()).isEqualTo(400);
        Http.Response badStatus = http.get(gateway.url("/admin/api/audit/events?status=abc"), "Authorization", admin);
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.json().get("error").asString()).isEqualTo("invalid_request");
        assertThat(http.get(gateway.url("/admin/api/audit/events?limit=0"), "Authorization", admin).status()).isEqualTo(400);
        assertThat(http.get(gateway.url("/admin/api/audit/events?since=yesterday-ish"), "Authorization", admin).status()).isEqualTo(400);
        assertThat(http.get(gateway.url("/admin/api/nothing-here"), "Authorization", admin).status()).isEqualTo(404);
    }

    @Test
    void aTenantAdminSeesOnlyTheirTenant() throws Exception {
        JsonNode mine = http.get(gateway.url("/admin/api/audit/events?route=protected.ping"), "Authorization", acmeAdmin).json();
        assertThat(mine.get("events").size()).isGreaterThanOrEqualTo(4);
        mine.get("events").forEach(e -> assertThat(e.get("tenant").asString()).isEqualTo("acme"));
        // asking for another tenant does not widen the view
        JsonNode other = http.get(gateway.url("/admin/api/audit/events?tenant=globex"), "Authorization", acmeAdmin).json();
        other.get("events").forEach(e -> assertThat(e.get("tenant").asString()).isEqualTo("acme"));

        String globexEvent = awaitEvents("user=bob", 1).get("events").get(0).get("event_id").asString();
        assertThat(http.get(gateway.url("/admin/api/audit/events/" + globexEvent), "Authorization", acmeAdmin).status()).isEqualTo(404);
        assertThat(http.get(gateway.url("/admin/api/audit/events/" + globexEvent), "Authorization", admin).status()).isEqualTo(200);

        JsonNode usage = http.get(gateway.url("/admin/api/usage?by=tenant&since=1h"), "Authorization", acmeAdmin).json();
        assertThat(usage.get("rows")).hasSize(1);
        assertThat(usage.get("rows").get(0).get("key").asString()).isEqualTo("acme");
        JsonNode all = http.get(gateway.url("/admin/api/usage?by=tenant&since=1h"), "Authorization", admin).json();
        List<String> keys = new ArrayList<>();
        all.get("rows").forEach(r -> keys.add(r.get("key").asString()));
        assertThat(keys).contains("acme", "globex");

        String csv = http.get(gateway.url("/admin/api/audit/export?format=csv&route=protected.ping&org=acme"), "Authorization", acmeAdmin).body();
        assertThat(csv.lines().count()).isEqualTo(5); // header + 4 acme events
        assertThat(csv).doesNotContain("globex");
        assertThat(http.post(gateway.url("/admin/api/audit/verify"), "", "Authorization", acmeAdmin).status()).isEqualTo(403);

        JsonNode limits = http.get(gateway.url("/admin/api/limits"), "Authorization", acmeAdmin).json();
        for (JsonNode s : limits.get("sections")) {
            assertThat(s.get("rows").toString()).doesNotContain("alice");
        }
        JsonNode tested = http.post(gateway.url("/admin/api/policies/test"),
                "{\"identity\":{\"sub\":\"x\",\"tenant\":\"globex\"},\"route\":\"protected.ping\"}",
                "Authorization", acmeAdmin, "Content-Type", "application/json").json();
        assertThat(tested.get("live").get("effect").asString()).isEqualTo("allow");
    }

    @Test
    void exportVerifyUsageAndTheCliThroughTheGateway() {
        Http.Response csv = http.get(gateway.url("/admin/api/audit/export?format=csv&decision=deny"), "Authorization", admin);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("Content-Type")).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst().orElseThrow()).startsWith("event_id,time,sub,org,tenant,route");
        assertThat(csv.body()).contains("no-contractors");
        Http.Response json = http.get(gateway.url("/admin/api/audit/export?format=json&decision=deny"), "Authorization", admin);
        json.body().lines().forEach(line -> assertThat(Http.JSON.readTree(line).get("hash").asString()).hasSize(64));
        assertThat(http.get(gateway.url("/admin/api/audit/export?format=xml"), "Authorization", admin).status()).isEqualTo(400);

        JsonNode verified = http.post(gateway.url("/admin/api/audit/verify"), "", "Authorization", admin).json();
        assertThat(verified.get("ok").asBoolean()).isTrue();
        assertThat(verified.get("events").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(http.get(gateway.url("/admin/api/audit/verify"), "Authorization", admin).json().get("result").get("ok").asBoolean()).isTrue();

        String table = http.get(gateway.url("/admin/api/usage?by=user&since=1h&format=table"), "Authorization", admin).body();
        assertThat(table).startsWith("user").contains("alice").contains("TOTAL");
        assertThat(http.get(gateway.url("/admin/api/usage?by=planet"), "Authorization", admin).status()).isEqualTo(400);

        JsonNode series = http.get(gateway.url("/admin/api/usage/series?by=user&since=1h"), "Authorization", admin).json();
        assertThat(series.get("bucket_seconds").asLong()).isEqualTo(60);
        List<String> keys = new ArrayList<>();
        series.get("keys").forEach(k -> keys.add(k.asString()));
        assertThat(keys).contains("alice", "bob");
        long aliceRequests = 0;
        for (JsonNode v : series.get("requests").get("alice")) {
            aliceRequests += v.asLong();
        }
        assertThat(aliceRequests).isEqualTo(3);

        // the CLI asks the running gateway's admin API
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GatewayStackCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute("usage", "--by", "user", "--since", "1h", "--gateway", gateway.url(""),
                "--token", admin.substring("Bearer ".length()));
        assertThat(code).as(err.toString()).isZero();
        // the same report (the admin API's own requests by "root" keep adding rows between the two calls)
        assertThat(out.toString()).startsWith("user").contains("alice").contains("TOTAL");
        assertThat(out.toString().lines().filter(l -> l.startsWith("alice")).findFirst())
                .isEqualTo(table.lines().filter(l -> l.startsWith("alice")).findFirst());
        StringWriter refusedErr = new StringWriter();
        int refused = new CommandLine(new GatewayStackCommand()).setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(refusedErr)).execute("usage", "--gateway", gateway.url(""), "--token",
                        user.substring("Bearer ".length()));
        assertThat(refused).isEqualTo(2);
        assertThat(refusedErr.toString()).contains("403").contains("insufficient_scope");
    }

    @Test
    void policiesAndTheTester() {
        JsonNode p = http.get(gateway.url("/admin/api/policies"), "Authorization", admin).json();
        assertThat(p.get("enabled").asBoolean()).isTrue();
        List<String> rules = new ArrayList<>();
        p.get("live").get("rules").forEach(r -> rules.add(r.get("id").asString()));
        assertThat(rules).containsExactlyInAnyOrder("chat-for-all", "pings-for-all", "no-contractors");
        assertThat(p.get("live").get("rules").get(0).get("source").asString()).contains("policy.yaml:");

        JsonNode denied = http.post(gateway.url("/admin/api/policies/test"),
                "{\"identity\":{\"sub\":\"c\",\"claims\":{\"employment\":\"contractor\"}},\"route\":\"protected.ping\"}",
                "Authorization", admin, "Content-Type", "application/json").json();
        assertThat(denied.get("live").get("effect").asString()).isEqualTo("deny");
        assertThat(denied.get("live").get("rule").asString()).isEqualTo("no-contractors");
        assertThat(denied.get("live").get("reasons").get(0).asString()).contains("Contractors");
        JsonNode byDefault = http.post(gateway.url("/admin/api/policies/test"), "{\"route\":\"proxy\"}",
                "Authorization", admin, "Content-Type", "application/json").json();
        assertThat(byDefault.get("live").get("effect").asString()).isEqualTo("deny");
        assertThat(byDefault.get("live").get("rule").asString()).isEqualTo("default");

        Http.Response bad = http.post(gateway.url("/admin/api/policies/test"), "[1,2]", "Authorization", admin,
                "Content-Type", "application/json");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(http.post(gateway.url("/admin/api/policies/test"), "{not json", "Authorization", admin,
                "Content-Type", "application/json").status()).isEqualTo(400);
        assertThat(http.get(gateway.url("/admin/api/policies/test"), "Authorization", admin).status()).isEqualTo(405);
    }

    @Test
    void healthMetricsAndLimits() throws Exception {
        JsonNode health = http.get(gateway.url("/admin/api/health"), "Authorization", admin).json();
        List<String> kinds = new ArrayList<>();
        health.get("checks").forEach(c -> kinds.add(c.get("kind").asString()));
        assertThat(kinds).contains("identity", "audit", "database", "limits", "policy", "upstream");
        health.get("checks").forEach(c -> assertThat(c.get("status").asString()).as(c.toString()).isIn("ok", "off"));

        // the live feed is a sink of its own: it may deliver a moment after the store (bounded wait)
        JsonNode metrics = null;
        for (int i = 0; i < 200 && (metrics == null || metrics.get("requests").asLong() < 6); i++) {
            Http.Response m = http.get(gateway.url("/admin/api/metrics?window=299"), "Authorization", admin);
            assertThat(m.status()).as(m.body()).isEqualTo(200);
            metrics = m.json();
            if (metrics.get("requests").asLong() < 6) {
                Thread.sleep(25);
            }
        }
        assertThat(metrics.get("requests").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(metrics.get("latency_ms").get("p95").asDouble()).isPositive();
        assertThat(metrics.get("series").get("t").size()).isEqualTo(metrics.get("series").get("rate").size());

        JsonNode limits = http.get(gateway.url("/admin/api/limits"), "Authorization", admin).json();
        JsonNode rates = null;
        for (JsonNode s : limits.get("sections")) {
            if (s.get("id").asString().equals("rates")) {
                rates = s;
            }
        }
        assertThat(rates).isNotNull();
        assertThat(rates.get("rows").toString()).contains("alice");
        for (JsonNode row : rates.get("rows")) {
            if (row.get(1).asString().contains("alice")) {
                assertThat(row.get(2).asLong()).as("used").isEqualTo(3);
                assertThat(row.get(3).asLong()).as("max").isEqualTo(100);
            }
        }
    }

    @Test
    void budgetsShowTheirHeadroom() throws Exception {
        String zoe = Http.bearer(issuer.token("zoe", Map.of("org_id", "zeta")));
        for (int i = 0; i < 2; i++) {
            Http.Response chat = http.post(gateway.url("/v1/chat/completions"),
                    "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"what does this cost?\"}]}",
                    "Authorization", zoe, "Content-Type", "application/json");
            assertThat(chat.status()).as(chat.body()).isEqualTo(200);
        }
        // Settlement and the audit trail both follow the responses, asynchronously: wait (bounded) until the budget
        // has both requests settled and the audit trail has both events, then compare the two.
        JsonNode row = null;
        JsonNode audited = null;
        for (int i = 0; i < 200; i++) {
            row = null;
            for (JsonNode s : http.get(gateway.url("/admin/api/limits"), "Authorization", admin).json().get("sections")) {
                if (s.get("id").asString().equals("budgets")) {
                    for (JsonNode r : s.get("rows")) {
                        if (r.get(1).asString().contains("zoe") && r.get(4).asDouble() > 0) {
                            row = r;
                        }
                    }
                }
            }
            audited = null;
            for (JsonNode r : http.get(gateway.url("/admin/api/usage?by=user&since=1h"), "Authorization", admin).json()
                    .get("rows")) {
                if (r.get("key").asString().equals("zoe")) {
                    audited = r;
                }
            }
            if (row != null && audited != null && audited.get("requests").asLong() == 2
                    && Math.abs(audited.get("cost_micros").asLong() / 1e6 - row.get(4).asDouble()) < 1e-6) {
                break;
            }
            Thread.sleep(25);
        }
        assertThat(row).as("a settled budget row for zoe").isNotNull();
        assertThat(row.get(0).asString()).isEqualTo("user-daily");
        assertThat(row.get(3).asDouble()).isEqualTo(5.0);                       // cap, in currency units
        double spent = row.get(4).asDouble();
        assertThat(row.get(6).asDouble()).isEqualTo(5.0 - spent, org.assertj.core.data.Offset.offset(1e-6)); // remaining
        assertThat(row.get(7).asDouble()).isLessThan(100.0);                    // headroom %
        // the spend matches what the audit trail recorded for zoe's two requests
        assertThat(audited).as("zoe in the usage report").isNotNull();
        assertThat(audited.get("requests").asLong()).isEqualTo(2);
        assertThat(audited.get("cost_micros").asLong() / 1e6).isEqualTo(spent, org.assertj.core.data.Offset.offset(1e-6));
        JsonNode tenantView = http.get(gateway.url("/admin/api/limits"), "Authorization", acmeAdmin).json();
        assertThat(tenantView.toString()).contains("user-daily").doesNotContain("zoe");
    }

    @Test
    void theLiveStreamCarriesEventsAsTheyHappen() throws Exception {
        HttpClient client = vertx.createHttpClient();
        Promise<String> seen = Promise.promise();
        StringBuilder received = new StringBuilder();
        Promise<Void> connected = Promise.promise();
        vertx.runOnContext(v -> client.request(new RequestOptions().setMethod(HttpMethod.GET)
                        .setAbsoluteURI(gateway.url("/admin/api/live")).addHeader("Authorization", acmeAdmin))
                .compose(req -> req.send())
                .onSuccess(resp -> {
                    assertThat(resp.getHeader("Content-Type")).isEqualTo("text/event-stream");
                    resp.handler(chunk -> {
                        received.append(chunk.toString(StandardCharsets.UTF_8));
                        connected.tryComplete();
                        if (received.indexOf("\"sub\":\"live-acme\"") >= 0) {
                            seen.tryComplete(received.toString());
                        }
                    });
                })
                .onFailure(seen::tryFail));
        connected.future().await(10, TimeUnit.SECONDS);
        assertThat(ping("live-globex", Map.of("tenant_id", "globex"))).isEqualTo(200);
        assertThat(ping("live-acme", Map.of("tenant_id", "acme"))).isEqualTo(200);
        String stream = seen.future().await(10, TimeUnit.SECONDS);
        assertThat(stream).contains("data: {").contains("\"route\":\"protected.ping\"");
        assertThat(stream).doesNotContain("live-globex"); // a tenant admin's stream holds only their tenant
        client.close();
    }

    @Test
    void theConsoleAppIsServedFromTheJar() {
        Http.Response redirect = http.get(gateway.url("/admin"));
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("Location")).isEqualTo("/admin/");
        Http.Response index = http.get(gateway.url("/admin/"));
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.header("Content-Type")).startsWith("text/html");
        assertThat(index.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'")
                .contains(issuer.issuer().replaceAll("/$", ""));
        assertThat(index.body()).contains("js/app.js");
        Http.Response js = http.get(gateway.url("/admin/vendor/uPlot.esm.js"));
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(http.get(gateway.url("/admin/vendor/uPlot.esm.js"), "If-None-Match", js.header("ETag")).status()).isEqualTo(304);
        JsonNode config = http.get(gateway.url("/admin/config.json")).json();
        assertThat(config.get("client_id").asString()).isEqualTo("gatewaystack-console");
        assertThat(config.get("scope").asString()).isEqualTo("openid gateway:admin");
        assertThat(config.get("audience").asString()).isEqualTo(TestIssuer.AUDIENCE);
        Http.Response missing = http.get(gateway.url("/admin/js/../../etc/passwd"));
        assertThat(missing.status()).isIn(400, 404);
        assertThat(http.get(gateway.url("/admin/FILES")).status()).isEqualTo(404);
        assertThat(http.get(gateway.url("/admin/nope.js")).json().get("error").asString()).isEqualTo("not_found");
    }
}
