package io.gatewaystack.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private static final String FILE = """
            server:
              port: 9000
              trusted_proxies: [10.0.0.0/8, "::1"]
            identity:
              issuers:
                - issuer: https://corp.example/
                  audiences: [https://api.corp]
                  algorithms: [RS256, ES256]
                  claims: {org: ["https://corp.example/org"], roles: [realm_access.roles]}
                - issuer: https://chatgpt-idp.example
                  audiences: [https://gateway/mcp]
            proxy:
              target: http://backend:3000/api
            """;

    private static GatewayConfig load(String yaml, Map<String, String> env) {
        return ConfigLoader.load(ConfigLoader.parseYaml(yaml, "test"), env);
    }

    @Test
    void readsTheFileWithSeveralIssuersAndTheirOwnMappings() {
        GatewayConfig c = load(FILE, Map.of());
        assertThat(c.mode()).isEqualTo(GatewayConfig.Mode.PRODUCTION);
        assertThat(c.server().port()).isEqualTo(9000);
        assertThat(c.server().maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(c.identity().issuers()).hasSize(2);
        assertThat(c.identity().issuers().get(0).algorithms()).containsExactlyInAnyOrder("RS256", "ES256");
        assertThat(c.identity().issuers().get(0).claims().orgClaims()).containsExactly("https://corp.example/org");
        assertThat(c.identity().issuers().get(1).audiences()).containsExactly("https://gateway/mcp");
        assertThat(c.proxy().target().getPath()).isEqualTo("/api");
        assertThat(c.proxy().injectHeader()).isEqualTo("X-User-Id");
        assertThat(c.server().trustedProxies().contains("10.1.2.3")).isTrue();
        assertThat(c.server().trustedProxies().contains("11.1.2.3")).isFalse();
        assertThat(c.server().trustedProxies().contains("0:0:0:0:0:0:0:1")).isTrue();
    }

    @Test
    void environmentVariablesOverrideTheFile() {
        GatewayConfig c = load(FILE, Map.of(
                "PORT", "7070",
                "OAUTH_ISSUER", "https://tenant.auth0.com/",
                "OAUTH_AUDIENCE", "https://a, https://b",
                "OAUTH_ENFORCE_ALG", "RS256,PS256",
                "OAUTH_SCOPES", "openid email",
                "PROXY_TARGET", "https://other:8443",
                "PROXY_INJECT_HEADER", "X-Auth-Sub",
                "TOOL_SCOPES_JSON", "{\"crm\":[\"crm:read\"]}"));
        assertThat(c.server().port()).isEqualTo(7070);
        assertThat(c.identity().issuers().get(0).issuer()).isEqualTo("https://tenant.auth0.com/");
        assertThat(c.identity().issuers().get(0).audiences()).containsExactly("https://a", "https://b");
        assertThat(c.identity().issuers().get(0).algorithms()).containsExactlyInAnyOrder("RS256", "PS256");
        assertThat(c.identity().issuers().get(1).issuer()).isEqualTo("https://chatgpt-idp.example");
        assertThat(c.scopesSupported()).containsExactly("openid", "email");
        assertThat(c.proxy().targetIsTls()).isTrue();
        assertThat(c.proxy().injectHeader()).isEqualTo("X-Auth-Sub");
        assertThat(c.toolScopes()).containsEntry("crm", List.of("crm:read"));
    }

    @Test
    void environmentAloneIsEnough() {
        GatewayConfig c = ConfigLoader.load(ConfigLoader.emptyTree(),
                Map.of("OAUTH_ISSUER", "https://idp.example", "OAUTH_AUDIENCE", "api", "DEMO_MODE", "false"));
        assertThat(c.identity().issuers()).hasSize(1);
        assertThat(c.proxy()).isNull();
        assertThat(c.server().port()).isEqualTo(8080);
    }

    @Test
    void everyProblemNamesItsKey() {
        Map<String, String> base = Map.of("OAUTH_ISSUER", "https://idp.example");
        assertProblem("", base, "identity.issuers[0].audiences", "OAUTH_AUDIENCE");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://idp.example", "OAUTH_AUDIENCE", ""), "identity.issuers[0].audiences", "never means");
        assertProblem("", Map.of(), "identity.issuers", "OAUTH_ISSUER");
        assertProblem("server: {prot: 1}", base, "server.prot", "unknown key");
        assertProblem("server: {port: 70000}", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a"), "server.port", "between 0 and 65535");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "PORT", "eighty"), "server.port", "whole number");
        assertProblem("", Map.of("OAUTH_ISSUER", "ftp://i", "OAUTH_AUDIENCE", "a"), "identity.issuers[0].issuer", "http");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "OAUTH_ENFORCE_ALG", "HS256"),
                "identity.issuers[0]", "HS256");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "OAUTH_ENFORCE_ALG", "none"),
                "identity.issuers[0]", "none");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "TOOL_SCOPES_JSON", "{bad"),
                "TOOL_SCOPES_JSON", "JSON");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "PROXY_TARGET", "file:///etc"),
                "proxy.target", "http");
        assertProblem("server: {trusted_proxies: [not-an-ip]}", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a"),
                "server.trusted_proxies[0]", "not an IP");
        assertProblem("mode: staging", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a"), "mode", "production");
    }

    @Test
    void budgetsTokenLimitsAndPricesAreReadAndCheckedKeyByKey() {
        Map<String, String> env = Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a");
        GatewayConfig config = load("""
                limits:
                  budgets: [{name: user-day, key: [user], usd: 2.5, period: day}, {name: org-q, key: [org], amount: 900, period: PT15M}]
                  token_limits: [{name: toks, key: [user, resource], tokens: 5000, count: output, period: hour}]
                  prices: {default: {input: 1, output: 2}, models: {llama3: {input: 0, output: 0}}}
                  tool_prices: {crm: 0.25}
                  budget_failure_mode: fail_closed
                """, env);
        BudgetSettings b = config.budgets();
        assertThat(b.budgets().rules()).extracting(r -> r.name() + ":" + r.meter() + ":" + r.cap() + ":" + r.period().label())
                .containsExactly("user-day:COST:2500000:day", "org-q:COST:900000000:PT15M", "toks:OUTPUT_TOKENS:5000:hour");
        assertThat(b.prices().priceOf("llama3:70b").input()).isZero();
        assertThat(b.prices().priceOf("gpt-4o").output()).isEqualTo(10.0);
        assertThat(b.fallbackPrice().output()).isEqualTo(2.0);
        assertThat(b.toolPrices()).containsEntry("crm", 250_000L);
        assertThat(b.budgets().failureMode()).isEqualTo(io.gatewaystack.limits.FailureMode.FAIL_CLOSED);

        assertProblem("limits: {budgets: [{name: b, usd: -1}]}", env, "limits.budgets[0].usd", "positive");
        assertProblem("limits: {budgets: [{name: b, usd: 1, period: fortnight}]}", env, "limits.budgets[0]", "ISO-8601");
        assertProblem("limits: {budgets: [{name: b, usd: 1, key: [planet]}]}", env, "limits.budgets[0].key", "unknown key part");
        assertProblem("limits: {token_limits: [{name: t, tokens: 5, count: words}]}", env, "limits.token_limits[0].count", "input, output or total");
        assertProblem("limits: {prices: {models: {x: {input: lots}}}}", env, "limits.prices.models.x.input", "number");
        assertProblem("limits: {budgets: [{name: a, usd: 1}, {name: a, usd: 2}]}", env, "limits", "two budgets");
    }

    @Test
    void mcpUpstreamsAndTheirProblems() {
        String base = "identity: {issuers: [{issuer: https://i, audiences: [a]}]}\nmcp:\n  upstreams:\n";
        GatewayConfig c = load(base + """
                    - {name: hr, url: "https://hr.internal/mcp", identity: token_exchange, required_scopes: [hr.read],
                       token_exchange: {token_url: "https://idp/token", client_id: gw, client_secret_env: S, audience: hr}}
                    - {name: docs, url: "https://docs.internal/mcp", prefix: d1, tools_ttl_seconds: 5}
                """, Map.of("S", "secret"));
        assertThat(c.mcp().enabled()).isTrue();
        assertThat(c.mcp().upstreams()).hasSize(2);
        var hr = c.mcp().upstreams().get(0);
        assertThat(hr.server().prefix()).isEqualTo("hr");
        assertThat(hr.server().propagation().configName()).isEqualTo("token_exchange");
        assertThat(hr.exchange().audience()).isEqualTo("hr");
        var docs = c.mcp().upstreams().get(1).server();
        assertThat(docs.propagation().configName()).isEqualTo("identity_assertion"); // the default
        assertThat(docs.toolsTtl().toSeconds()).isEqualTo(5);
        Map<String, String> env = Map.of("S", "secret");
        assertProblem(base + "    - {name: x, url: \"https://x/mcp\", identity: token_exchange}\n", env,
                "mcp.upstreams[0].token_exchange", "is required");
        assertProblem(base + "    - {name: x, url: \"https://x/mcp\", identity: bearer}\n", env,
                "mcp.upstreams[0].identity", "must be identity_headers");
        assertProblem(base + "    - {name: x, url: \"https://x/mcp\", prefix: a_b}\n", env, "mcp.upstreams[0]", "prefix");
        assertProblem(base + "    - {name: x, url: \"https://x/mcp\", prefix: p}\n    - {name: y, url: \"https://y/mcp\", prefix: P}\n",
                env, "mcp.upstreams", "used twice");
        assertProblem(base + "    - {name: x, url: \"https://x/mcp\", token_exchange: {token_url: \"https://t\"}}\n", env,
                "mcp.upstreams[0].token_exchange", "only for identity: token_exchange");
    }

    @Test
    void transformSettingsPerRouteMergeOverTheGlobalOnes() {
        GatewayConfig c = load(FILE + """
                transform:
                  actions: {email: pseudonymize}
                  response: {actions: {ssn: placeholder}}
                  routes:
                    llm: {default_action: mask, actions: {iban: block}, block_threshold: 90,
                          response: {actions: {email: mask}, holdback_chars: 256}}
                    proxy: {response: {enabled: false}}
                """, Map.of());
        var t = c.transform();
        assertThat(t.response().enabled()).isTrue();
        assertThat(t.forRoute("protected.echo")).isSameAs(t);
        var llm = t.forRoute("llm.chat");
        assertThat(llm.actions().actionFor("email").name()).isEqualTo("PSEUDONYMIZE");
        assertThat(llm.actions().actionFor("iban").name()).isEqualTo("BLOCK");
        assertThat(llm.actions().actionFor("phone").name()).isEqualTo("MASK");
        assertThat(llm.blockThreshold()).isEqualTo(90);
        assertThat(llm.response().actions().actionFor("ssn").name()).isEqualTo("PLACEHOLDER");
        assertThat(llm.response().actions().actionFor("email").name()).isEqualTo("MASK");
        assertThat(llm.response().holdbackChars()).isEqualTo(256);
        assertThat(t.forRoute("proxy").response().enabled()).isFalse();
    }

    @Test
    void badTransformSettingsNameTheirKey() {
        Map<String, String> env = Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a");
        assertProblem("transform: {routes: {chat: {block_threshold: 10}}}", env, "transform.routes.chat", "unknown route");
        assertProblem("transform: {routes: {llm: {detectors: [email]}}}", env, "transform.routes.llm.detectors", "unknown key");
        assertProblem("transform: {response: {actions: {email: pseudonymize}}}", env, "transform.response", "cannot be pseudonymised");
        assertProblem("transform: {routes: {mcp: {actions: {email: scramble}}}}", env, "transform.routes.mcp.actions.email", "unknown action");
        assertProblem("transform: {response: {holdback_chars: 4}}", env, "transform.response.holdback_chars", "16");
    }

    @Test
    void auditWebhookFromFileAndEnvironment() {
        Map<String, String> env = Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a",
                "AUDIT_WEBHOOK_URL", "https://siem.example/ingest", "GATEWAYSTACK_AUDIT_WEBHOOK_AUTHORIZATION", "Splunk abc",
                "GATEWAYSTACK_AUDIT_WEBHOOK_SECRET", "0123456789abcdef0123");
        GatewayConfig c = load("audit: {webhook: {batch: 50, timeout_ms: 2000}}", env);
        assertThat(c.audit().webhook().url().toString()).isEqualTo("https://siem.example/ingest");
        assertThat(c.audit().webhook().authorization()).isEqualTo("Splunk abc");
        assertThat(c.audit().webhook().maxBatch()).isEqualTo(50);
        assertThat(c.audit().webhook().timeout().toMillis()).isEqualTo(2000);
        assertThat(load("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a")).audit().webhook()).isNull();
        Map<String, String> base = Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a");
        assertProblem("audit: {webhook: {url: 'ftp://siem/x'}}", base, "audit.webhook.url", "http(s)");
        assertProblem("audit: {webhook: {url: 'https://siem/x', batch: 0}}", base, "audit.webhook.batch", "");
        assertProblem("audit: {webhook: {uri: 'https://siem/x'}}", base, "audit.webhook.uri", "unknown key");
    }

    @Test
    void tracingIsOffUnlessAnOtlpEndpointIsSet() {
        Map<String, String> base = Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a");
        assertThat(load("", base).audit().tracing()).isNull();
        Map<String, String> env = new java.util.HashMap<>(base);
        env.putAll(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "OTEL_SERVICE_NAME", "gw-eu",
                "OTEL_EXPORTER_OTLP_HEADERS", "api-key=abc%3D,x-team=ai"));
        var t = load("audit: {tracing: {sample_ratio: 0.25}}", env).audit().tracing();
        assertThat(t.tracesUrl()).isEqualTo("http://collector:4318/v1/traces");
        assertThat(t.serviceName()).isEqualTo("gw-eu");
        assertThat(t.sampleRatio()).isEqualTo(0.25);
        assertThat(t.headers()).containsEntry("api-key", "abc=").containsEntry("x-team", "ai");
        assertProblem("audit: {tracing: {otlp_endpoint: 'http://c:4318', sample_ratio: 2}}", base, "audit.tracing.sample_ratio", "between 0 and 1");
        assertProblem("audit: {tracing: {otlp_endpoint: 'grpc://c:4317'}}", base, "audit.tracing.otlp_endpoint", "http(s)");
        Map<String, String> auth0 = new java.util.HashMap<>(base);
        auth0.put("AUTH0_LOG_WEBHOOK_SECRET", "0123456789abcdef-secret");
        assertProblem("", auth0, "audit.auth0_log_webhook.management_url", "AUTH0_MANAGEMENT_URL");
        auth0.put("AUTH0_MANAGEMENT_URL", "https://tenant.auth0.com");
        assertProblem("", auth0, "AUTH0_MGMT_CLIENT_ID", "Management API client");
        auth0.putAll(Map.of("AUTH0_MGMT_CLIENT_ID", "id", "AUTH0_MGMT_CLIENT_SECRET", "s", "AUTH0_DCR_SCOPES", "tool:read openid"));
        var hook = load("", auth0).audit().auth0Webhook();
        assertThat(hook.promoter().audience()).isEqualTo("a"); // OAUTH_AUDIENCE by default
        assertThat(hook.promoter().scopes()).containsExactly("tool:read", "openid");
        assertThat(hook.toString()).doesNotContain("0123456789abcdef-secret");
        assertProblem("", Map.of("OAUTH_ISSUER", "https://i", "OAUTH_AUDIENCE", "a", "GATEWAYSTACK_AUDIT_DATA_KEY", "short"),
                "GATEWAYSTACK_AUDIT_DATA_KEY", "at least 32 bytes");
    }

    @Test
    void malformedYamlNamesTheLine() {
        assertThatThrownBy(() -> ConfigLoader.parseYaml("server:\n  port: [1,\n", "gw.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gw.yaml").hasMessageContaining("line");
    }

    @Test
    void agentGuardSectionWithTheLimitsStore() {
        String base = "identity:\n  issuers:\n    - issuer: https://i\n      audiences: [a]\n";
        assertThat(load(base, Map.of()).agentGuard().enabled()).isFalse();
        GatewayConfig c = load(base + """
                limits:
                  store: redis
                  redis_url: redis://127.0.0.1:6379
                  failure_mode: fail_closed
                  agent_guard:
                    header: X-Agent-Run
                    max_calls: 200
                    max_duration_seconds: 1800
                    max_cost_usd: 2.5
                    loop: {max_repeats: 4, window_seconds: 30}
                    idle_ttl_seconds: 900
                """, Map.of());
        var guard = c.agentGuard();
        assertThat(guard.enabled()).isTrue();
        assertThat(guard.header()).isEqualTo("X-Agent-Run");
        assertThat(guard.caps()).isEqualTo(new io.gatewaystack.limits.agent.WorkflowCaps(200, 1_800_000, 2_500_000, 4,
                30_000, 900_000));
        assertThat(guard.store()).isEqualTo(io.gatewaystack.limits.StoreKind.REDIS);
        assertThat(guard.redisUrl()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(guard.failureMode()).isEqualTo(io.gatewaystack.limits.FailureMode.FAIL_CLOSED);
        // defaults: loop 5 a minute, idle one hour, X-Workflow-Id, memory
        var defaults = load(base + "limits:\n  agent_guard: {}\n", Map.of()).agentGuard();
        assertThat(defaults.header()).isEqualTo("X-Workflow-Id");
        assertThat(defaults.caps()).isEqualTo(new io.gatewaystack.limits.agent.WorkflowCaps(0, 0, 0, 5, 60_000, 3_600_000));
        assertThat(load(base + "limits:\n  agent_guard: {enabled: false, max_calls: 3}\n", Map.of()).agentGuard().enabled())
                .isFalse();
        // the cost cap is in the price table's currency
        var euro = load(base + "limits:\n  currency: EUR\n  agent_guard: {max_cost: 3}\n", Map.of()).agentGuard();
        assertThat(euro.caps().maxCostMicros()).isEqualTo(3_000_000);
        assertThat(euro.currency()).isEqualTo("EUR");
        assertThat(guard.currency()).isEqualTo("USD");

        Map<String, String> env = Map.of();
        assertProblem(base + "limits:\n  agent_guard: {loop: {max_repeats: 0}}\n", env, "limits.agent_guard", "enables no cap");
        assertProblem(base + "limits:\n  agent_guard: {header: \"X Run\"}\n", env, "limits.agent_guard.header", "header name");
        assertProblem(base + "limits:\n  agent_guard: {max_cost_usd: -1}\n", env, "limits.agent_guard.max_cost_usd", "between");
        assertProblem(base + "limits:\n  agent_guard: {max_cost_usd: lots}\n", env, "limits.agent_guard.max_cost_usd", "amount");
        assertProblem(base + "limits:\n  agent_guard: {max_call: 3}\n", env, "limits.agent_guard.max_call", "unknown key");
        assertProblem(base + "limits:\n  agent_guard: {max_cost: 3, max_cost_usd: 3}\n", env, "limits.agent_guard.max_cost", "not both");
        assertProblem(base + "limits:\n  agent_guard: {loop: {window: 3}}\n", env, "limits.agent_guard.loop.window", "unknown key");
    }

    private static void assertProblem(String yaml, Map<String, String> env, String key, String text) {
        assertThatThrownBy(() -> load(yaml, env))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
                .hasMessageContaining(text);
    }
}
