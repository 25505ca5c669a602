package io.gatewaystack.server.config;

import io.gatewaystack.identity.ClaimMapping;
import io.gatewaystack.limits.FailureMode;
import io.gatewaystack.limits.KeyPart;
import io.gatewaystack.limits.LimitsConfig;
import io.gatewaystack.limits.RateLimitRule;
import io.gatewaystack.limits.StoreKind;
import io.gatewaystack.limits.agent.AgentGuardConfig;
import io.gatewaystack.server.llm.LlmSettings;
import io.gatewaystack.transform.TransformConfig;
import io.gatewaystack.transform.TransformEngine;
import io.gatewaystack.transform.detect.CustomDetectorConfig;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.redact.Action;
import io.gatewaystack.transform.redact.ActionPolicy;
import io.gatewaystack.transform.response.ResponseSettings;
import io.gatewaystack.identity.IdentityConfig;
import io.gatewaystack.identity.IssuerConfig;
import io.gatewaystack.proxy.ProxyConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads the configuration: the YAML file first, then the environment variables of the contract on top of it
 * (an environment variable always wins), then checks everything and builds the records.
 *
 * <p>Every problem is a {@link ConfigException} naming the key, so the CLI can stop with one clear line.
 * The keys are listed in docs/configuration.md.
 */
public final class ConfigLoader {

    /** The environment variables that map onto configuration keys. */
    static final Map<String, String> ENV_KEYS = Map.ofEntries(
            Map.entry("PORT", "server.port"),
            Map.entry("GATEWAY_HOST", "server.host"),
            Map.entry("GATEWAY_PUBLIC_URL", "server.public_url"),
            Map.entry("GATEWAY_TRUSTED_PROXIES", "server.trusted_proxies"),
            Map.entry("OAUTH_ISSUER", "identity.issuers[0].issuer"),
            Map.entry("OAUTH_AUDIENCE", "identity.issuers[0].audiences"),
            Map.entry("OAUTH_JWKS_URI", "identity.issuers[0].jwks_uri"),
            Map.entry("OAUTH_ENFORCE_ALG", "identity.issuers[0].algorithms"),
            Map.entry("OAUTH_SCOPES", "identity.scopes_supported"),
            Map.entry("PROXY_TARGET", "proxy.target"),
            Map.entry("PROXY_INJECT_HEADER", "proxy.inject_header"),
            Map.entry("PROXY_INJECT_QUERY", "proxy.inject_query"),
            Map.entry("GATEWAY_POLICY_PATH", "policy.path"),
            Map.entry("GATEWAY_IDENTITY_KEY_FILE", "identity_assertion.key_file"),
            Map.entry("GATEWAY_IDENTITY_KEY_ID", "identity_assertion.signing_kid"),
            Map.entry("DATABASE_URL", "audit.database_url"),
            Map.entry("GATEWAY_ADMIN_SCOPE", "admin.scope"),
            Map.entry("AUDIT_WEBHOOK_URL", "audit.webhook.url"),
            Map.entry("OTEL_EXPORTER_OTLP_ENDPOINT", "audit.tracing.otlp_endpoint"),
            Map.entry("OTEL_SERVICE_NAME", "audit.tracing.service_name"),
            Map.entry("AUTH0_MANAGEMENT_URL", "audit.auth0_log_webhook.management_url"),
            Map.entry("AUTH0_DCR_AUDIENCE", "audit.auth0_log_webhook.audience"),
            Map.entry("AUTH0_DCR_SCOPES", "audit.auth0_log_webhook.scopes"));

    private static final YAMLMapper YAML = YAMLMapper.builder().build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ConfigLoader() {
    }

    /** Reads a YAML (or JSON) config file into a tree; an unreadable or malformed file is a ConfigException. */
    public static ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config", "no such file: " + file);
        }
        try {
            return parseYaml(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Parses YAML text into a tree; {@code source} names it in errors. */
    public static ObjectNode parseYaml(String yaml, String source) {
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JacksonException e) {
            String msg = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage().lines().findFirst().orElse("");
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException("--config", "cannot parse " + source + where + ": " + msg);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return JSON.createObjectNode();
        }
        if (!tree.isObject()) {
            throw new ConfigException("(root)", source + " must be a mapping of keys");
        }
        return (ObjectNode) tree;
    }

    public static ObjectNode emptyTree() {
        return JSON.createObjectNode();
    }

    /** Builds the configuration from a tree (from a file or demo defaults) with the environment on top. */
    public static GatewayConfig load(ObjectNode tree, Map<String, String> env) {
        ObjectNode merged = tree.deepCopy();
        applyEnvironment(merged, env);
        return build(new ConfigNode(merged, ""), env);
    }

    // ---- environment ----------------------------------------------------------------------

    private static void applyEnvironment(ObjectNode root, Map<String, String> env) {
        for (Map.Entry<String, String> e : ENV_KEYS.entrySet()) {
            String value = env.get(e.getKey());
            if (value != null) {
                set(root, e.getValue(), value.trim());
            }
        }
        String demo = env.get("DEMO_MODE");
        if (demo != null && !demo.isBlank()) {
            root.put("mode", Boolean.parseBoolean(demo.trim()) || demo.trim().equals("1") ? "demo" : "production");
        }
        applyRateLimitEnvironment(root, env);
        String toolScopes = env.get("TOOL_SCOPES_JSON");
        if (toolScopes != null && !toolScopes.isBlank()) {
            JsonNode parsed;
            try {
                parsed = JSON.readTree(toolScopes);
            } catch (JacksonException ex) {
                throw new ConfigException("TOOL_SCOPES_JSON", "is not valid JSON (expected {\"tool\":[\"scope\",...]})");
            }
            if (!parsed.isObject()) {
                throw new ConfigException("TOOL_SCOPES_JSON", "must be a JSON object {\"tool\":[\"scope\",...]}");
            }
            objectAt(root, "tools").set("scopes", parsed);
        }
    }

    /**
     * The seed's {@code RATE_LIMIT_WINDOW_MS}/{@code RATE_LIMIT_MAX} (defaults 60000 and 10 when only one is set)
     * become the per-user rule {@code per-user}, replacing a rule of that name from the file. {@code REDIS_URL}
     * selects the Redis store unless the file chose one.
     */
    private static void applyRateLimitEnvironment(ObjectNode root, Map<String, String> env) {
        String window = env.get("RATE_LIMIT_WINDOW_MS");
        String max = env.get("RATE_LIMIT_MAX");
        boolean windowSet = window != null && !window.isBlank();
        boolean maxSet = max != null && !max.isBlank();
        if (windowSet || maxSet) {
            ObjectNode limits = objectAt(root, "limits");
            JsonNode existing = limits.get("rules");
            ArrayNode rules = existing instanceof ArrayNode a ? a : limits.putArray("rules");
            for (int i = rules.size() - 1; i >= 0; i--) {
                if ("per-user".equals(rules.get(i).path("name").asString(""))) {
                    rules.remove(i);
                }
            }
            ObjectNode rule = rules.insertObject(0);
            rule.put("name", "per-user");
            rule.putArray("key").add("user");
            rule.put("max", maxSet ? max.trim() : "10");
            rule.put("window_ms", windowSet ? window.trim() : "60000");
        }
        String redisUrl = env.get("REDIS_URL");
        if (redisUrl != null && !redisUrl.isBlank()) {
            ObjectNode limits = objectAt(root, "limits");
            limits.put("redis_url", redisUrl.trim());
            if (!limits.has("store")) {
                limits.put("store", "redis");
            }
        }
    }

    /** Sets a dotted key such as {@code identity.issuers[0].audiences}, creating the path as needed. */
    private static void set(ObjectNode root, String dottedKey, String value) {
        String[] parts = dottedKey.split("\\.");
        ObjectNode current = root;
        for (int i = 0; i < parts.length - 1; i++) {
            String part = parts[i];
            if (part.endsWith("[0]")) {
                String name = part.substring(0, part.length() - 3);
                JsonNode arr = current.get(name);
                ArrayNode array = arr instanceof ArrayNode a ? a : current.putArray(name);
                if (array.isEmpty() || !array.get(0).isObject()) {
                    if (!array.isEmpty()) {
                        array.remove(0);
                    }
                    array.insertObject(0);
                }
                current = (ObjectNode) array.get(0);
            } else {
                current = objectAt(current, part);
            }
        }
        current.put(parts[parts.length - 1], value);
    }

    private static ObjectNode objectAt(ObjectNode parent, String name) {
        JsonNode child = parent.get(name);
        if (child instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(name);
    }

    // ---- building -------------------------------------------------------------------------

    private static GatewayConfig build(ConfigNode root, Map<String, String> env) {
        root.allowOnly(Set.of("mode", "server", "identity", "proxy", "identity_assertion", "tools", "limits", "policy",
                "transform", "llm", "audit", "mcp", "admin"));
        String modeText = root.string("mode", "production");
        GatewayConfig.Mode mode = switch (modeText.toLowerCase(java.util.Locale.ROOT)) {
            case "demo" -> GatewayConfig.Mode.DEMO;
            case "production" -> GatewayConfig.Mode.PRODUCTION;
            default -> throw new ConfigException("mode", "must be 'production' or 'demo', got '" + modeText + "'");
        };
        ServerSettings server = server(root.child("server"));
        ConfigNode identityNode = root.child("identity")
                .allowOnly(Set.of("issuers", "scopes_supported", "max_token_length", "token_cache_size", "jwks"));
        IdentityConfig identity = identity(identityNode);
        List<String> scopesSupported = identityNode.stringList("scopes_supported", List.of("openid", "email", "profile"));
        ProxyConfig proxy = proxy(root.child("proxy"));
        AssertionSettings assertion = assertion(root.child("identity_assertion"));
        ConfigNode tools = root.child("tools").allowOnly(Set.of("scopes"));
        Map<String, List<String>> toolScopes = tools.stringListMap("scopes");
        for (String tool : toolScopes.keySet()) {
            if (!tool.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw new ConfigException("tools.scopes." + tool, "tool names may use letters, digits, '_', '.' and '-' (at most 64)");
            }
        }
        LimitsConfig limits = limits(root.child("limits"));
        AgentGuardConfig agentGuard = AgentGuardConfigReader.read(root.child("limits").child("agent_guard"), limits,
                root.child("limits").string("currency", "USD"));
        ConfigNode p = root.child("policy").allowOnly(Set.of("path", "shadow_path", "reload_interval_ms"));
        String policyPath = p.string("path", null);
        String shadowPath = p.string("shadow_path", null);
        if (shadowPath != null && policyPath == null) {
            throw new ConfigException(p.keyOf("shadow_path"), "needs policy.path: shadow mode compares against a live policy");
        }
        PolicySettings policy = new PolicySettings(policyPath == null ? null : Path.of(policyPath),
                shadowPath == null ? null : Path.of(shadowPath),
                p.millis("reload_interval_ms", Duration.ofSeconds(2), 100, 3_600_000));
        TransformConfig transform = transform(root.child("transform"));
        LlmSettings llm = LlmConfigReader.read(root.child("llm"), env);
        AuditSettings audit = audit(root.child("audit"), env);
        McpSettings mcp = mcp(root.child("mcp"), toolScopes, env);
        BudgetSettings budgets = BudgetConfigReader.read(root.child("limits"),
                audit.dir() == null ? null : audit.dir().resolve("budget-settlements.spool"));
        AdminSettings admin = admin(root.child("admin"), identity);
        return new GatewayConfig(mode, server, identity, scopesSupported, proxy, assertion, toolScopes, limits, policy,
                transform, llm, audit, mcp, budgets, agentGuard, admin);
    }

    private static McpSettings mcp(ConfigNode n, Map<String, List<String>> toolScopes, Map<String, String> env) {
        n.allowOnly(Set.of("tools", "functions_base", "tool_timeout_ms", "session_ttl_seconds", "allowed_origins",
                "page_size", "max_response_bytes", "allow_private_backends", "upstreams"));
        Duration timeout = n.millis("tool_timeout_ms", Duration.ofSeconds(10), 100, 600_000);
        List<io.gatewaystack.mcp.ToolDefinition> tools = new ArrayList<>();
        for (ConfigNode t : n.list("tools")) {
            t.allowOnly(Set.of("name", "title", "description", "input_schema", "required_scopes", "backend_url", "timeout_ms"));
            try {
                JsonNode schema = t.child("input_schema").isPresent() ? t.raw("input_schema")
                        : io.gatewaystack.mcp.ToolDefinition.permissiveSchema();
                tools.add(new io.gatewaystack.mcp.ToolDefinition(t.string("name", null), t.string("title", null),
                        t.string("description", null), schema, t.stringList("required_scopes", List.of()),
                        httpUrl(t.keyOf("backend_url"), t.string("backend_url", "")).toString(),
                        t.millis("timeout_ms", timeout, 100, 600_000)));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new ConfigException(t.path(), String.valueOf(e.getMessage()));
            }
        }
        String functionsBase = n.string("functions_base", env.get("FUNCTIONS_BASE"));
        if (functionsBase != null && !toolScopes.isEmpty()) {
            try {
                tools.addAll(io.gatewaystack.mcp.ToolRegistry.fromScopesJson(JSON.writeValueAsString(toolScopes),
                        httpUrl(n.keyOf("functions_base"), functionsBase).toString(), timeout));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("TOOL_SCOPES_JSON", e.getMessage());
            }
        }
        String key = env.get("MCP_SESSION_KEY");
        byte[] sessionKey;
        if (key != null && !key.isBlank()) {
            sessionKey = io.gatewaystack.audit.AuditConfig.parseKey(key.trim());
            if (sessionKey.length < 32) {
                throw new ConfigException("MCP_SESSION_KEY", "must be at least 32 bytes");
            }
        } else {
            sessionKey = io.gatewaystack.mcp.McpSessions.randomKey(); // sessions then live on this process only
        }
        return new McpSettings(tools, sessionKey, n.seconds("session_ttl_seconds", Duration.ofHours(24), 60, 30L * 86_400),
                new java.util.LinkedHashSet<>(n.stringList("allowed_origins", List.of())),
                n.integer("page_size", 100, 1, 10_000), n.longValue("max_response_bytes", 1L << 20, 1024, 1L << 30),
                n.bool("allow_private_backends", false), upstreams(n, env));
    }

    /** {@code mcp.upstreams}: federated MCP servers; secrets of token exchanges from variables or files only. */
    private static List<McpSettings.Upstream> upstreams(ConfigNode n, Map<String, String> env) {
        List<McpSettings.Upstream> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (ConfigNode u : n.list("upstreams")) {
            u.allowOnly(Set.of("name", "url", "prefix", "identity", "required_scopes", "timeout_ms", "tools_ttl_seconds",
                    "token_exchange"));
            String name = u.string("name", null);
            if (name == null || name.isBlank()) {
                throw new ConfigException(u.keyOf("name"), "is required");
            }
            if (!names.add(name)) {
                throw new ConfigException(u.keyOf("name"), "'" + name + "' is used twice");
            }
            io.gatewaystack.mcp.federation.UpstreamServer.Propagation propagation;
            try {
                propagation = io.gatewaystack.mcp.federation.UpstreamServer.Propagation.fromConfig(
                        u.string("identity", "identity_assertion").toLowerCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(u.keyOf("identity"), e.getMessage());
            }
            io.gatewaystack.proxy.upstream.UpstreamAuth.UserOAuth exchange = null;
            ConfigNode x = u.child("token_exchange");
            if (propagation == io.gatewaystack.mcp.federation.UpstreamServer.Propagation.TOKEN_EXCHANGE) {
                if (!x.isPresent()) {
                    throw new ConfigException(u.keyOf("token_exchange"), "is required when identity is token_exchange");
                }
                x.allowOnly(Set.of("token_url", "client_id", "client_secret_env", "client_secret_file", "audience", "scope"));
                String tokenUrl = x.string("token_url", null);
                if (tokenUrl == null) {
                    throw new ConfigException(x.keyOf("token_url"), "is required");
                }
                String secretEnv = x.string("client_secret_env", null);
                String secretFile = x.string("client_secret_file", null);
                try {
                    io.gatewaystack.proxy.upstream.SecretValue secret = secretEnv != null
                            ? io.gatewaystack.proxy.upstream.SecretValue.fromEnv(secretEnv, env)
                            : secretFile != null ? io.gatewaystack.proxy.upstream.SecretValue.fromFile(java.nio.file.Path.of(secretFile))
                            : null;
                    if (secret == null) {
                        throw new ConfigException(x.path(), "needs client_secret_env (a variable name) or client_secret_file (never the secret itself)");
                    }
                    exchange = new io.gatewaystack.proxy.upstream.UpstreamAuth.UserOAuth(
                            httpUrl(x.keyOf("token_url"), tokenUrl), x.string("client_id", null), secret,
                            x.string("audience", null), x.string("scope", null));
                } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                    throw new ConfigException(x.path(), String.valueOf(e.getMessage()));
                }
            } else if (x.isPresent()) {
                throw new ConfigException(u.keyOf("token_exchange"), "is only for identity: token_exchange");
            }
            try {
                out.add(new McpSettings.Upstream(new io.gatewaystack.mcp.federation.UpstreamServer(name,
                        httpUrl(u.keyOf("url"), u.string("url", "")), u.string("prefix", name),
                        propagation, u.stringList("required_scopes", List.of()), u.millis("timeout_ms", Duration.ofSeconds(10), 100, 600_000),
                        u.seconds("tools_ttl_seconds", Duration.ofSeconds(60), 0, 86_400)), exchange));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(u.path(), String.valueOf(e.getMessage()));
            }
        }
        Set<String> prefixes = new java.util.HashSet<>();
        for (McpSettings.Upstream u : out) {
            if (!prefixes.add(u.server().prefix().toLowerCase(java.util.Locale.ROOT))) {
                throw new ConfigException("mcp.upstreams", "prefix '" + u.server().prefix() + "' is used twice");
            }
        }
        return out;
    }

    private static AdminSettings admin(ConfigNode n, IdentityConfig identity) {
        n.allowOnly(Set.of("enabled", "scope", "client_id", "login_scopes", "audience"));
        String scope = n.string("scope", AdminSettings.DEFAULT_SCOPE);
        if (scope.isBlank() || scope.contains(" ")) {
            throw new ConfigException(n.keyOf("scope"), "must be one scope or role name without spaces");
        }
        String clientId = n.string("client_id", AdminSettings.DEFAULT_CLIENT_ID);
        List<String> audiences = identity.issuers().get(0).audiences();
        String audience = n.string("audience", audiences.isEmpty() ? null : audiences.get(0));
        return new AdminSettings(n.bool("enabled", true), scope, clientId,
                n.stringList("login_scopes", List.of("openid", scope)), audience == null || audience.isBlank() ? null : audience);
    }

    private static AuditSettings audit(ConfigNode n, Map<String, String> env) {
        n.allowOnly(Set.of("enabled", "dir", "instance_id", "database_url", "json_lines", "spool_max_bytes", "on_spool_full",
                "webhook", "tracing", "auth0_log_webhook"));
        String full = n.string("on_spool_full", "fail_closed").toLowerCase(java.util.Locale.ROOT);
        if (!full.equals("fail_closed") && !full.equals("alarm")) {
            throw new ConfigException(n.keyOf("on_spool_full"), "must be fail_closed or alarm");
        }
        String key = env.get("GATEWAYSTACK_AUDIT_SEAL_KEY");
        byte[] sealKey = null;
        if (key != null && !key.isBlank()) {
            try {
                sealKey = io.gatewaystack.audit.AuditConfig.parseKey(key.trim());
            } catch (RuntimeException e) {
                throw new ConfigException("GATEWAYSTACK_AUDIT_SEAL_KEY", e.getMessage());
            }
            if (sealKey.length < 32) {
                throw new ConfigException("GATEWAYSTACK_AUDIT_SEAL_KEY", "must be at least 32 bytes");
            }
        }
        String url = n.string("database_url", null);
        return new AuditSettings(
                n.bool("enabled", true),
                Path.of(n.string("dir", "./data")),
                n.string("instance_id", defaultInstanceId()),
                url == null ? null : JdbcUrls.toJdbc(url, n.keyOf("database_url")),
                n.string("json_lines", null),
                n.longValue("spool_max_bytes", 1L << 30, 1L << 20, Long.MAX_VALUE),
                full.equals("fail_closed"),
                sealKey,
                webhook(n.child("webhook"), env),
                key(env, "GATEWAYSTACK_AUDIT_DATA_KEY", 32),
                auth0Webhook(n.child("auth0_log_webhook"), env),
                tracing(n.child("tracing"), env));
    }

    /**
     * {@code audit.auth0_log_webhook}: on when {@code AUTH0_LOG_WEBHOOK_SECRET} is set; then the Management API
     * settings must be complete (a missing one stops the start, naming it). Secrets come from the environment only.
     */
    private static Auth0WebhookSettings auth0Webhook(ConfigNode n, Map<String, String> env) {
        n.allowOnly(Set.of("management_url", "audience", "scopes", "timeout_ms"));
        String secret = env.get("AUTH0_LOG_WEBHOOK_SECRET");
        if (secret == null || secret.isBlank()) {
            return null;
        }
        if (secret.trim().length() < 16) {
            throw new ConfigException("AUTH0_LOG_WEBHOOK_SECRET", "must be at least 16 characters");
        }
        String url = n.string("management_url", null);
        if (url == null || url.isBlank()) {
            throw new ConfigException(n.keyOf("management_url"), "is required with AUTH0_LOG_WEBHOOK_SECRET (AUTH0_MANAGEMENT_URL, e.g. https://TENANT.auth0.com)");
        }
        for (String var : List.of("AUTH0_MGMT_CLIENT_ID", "AUTH0_MGMT_CLIENT_SECRET")) {
            if (env.get(var) == null || env.get(var).isBlank()) {
                throw new ConfigException(var, "is required with AUTH0_LOG_WEBHOOK_SECRET (the Management API client)");
            }
        }
        String audience = n.string("audience", null);
        if (audience == null) {
            String fromEnv = env.get("OAUTH_AUDIENCE");
            audience = fromEnv == null || fromEnv.isBlank() ? null : fromEnv.split(",")[0].trim();
        }
        try {
            return new Auth0WebhookSettings(secret.trim(), new io.gatewaystack.audit.auth0.Auth0DcrPromoter.Settings(
                    java.net.URI.create(url.trim()), env.get("AUTH0_MGMT_CLIENT_ID").trim(), env.get("AUTH0_MGMT_CLIENT_SECRET").trim(),
                    audience, n.stringList("scopes", List.of()), n.millis("timeout_ms", Duration.ofSeconds(5), 100, 60_000)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.keyOf("management_url"), e.getMessage());
        }
    }

    /** A key from the environment ({@code base64:}, {@code hex:} or text), or null when unset. */
    private static byte[] key(Map<String, String> env, String name, int minBytes) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        byte[] k;
        try {
            k = io.gatewaystack.audit.AuditConfig.parseKey(v.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(name, e.getMessage());
        }
        if (k.length < minBytes) {
            throw new ConfigException(name, "must be at least " + minBytes + " bytes");
        }
        return k;
    }

    /**
     * {@code audit.tracing}: null (off) when no OTLP endpoint is set. {@code OTEL_EXPORTER_OTLP_HEADERS}
     * ({@code key=value,key2=value2}, the OpenTelemetry convention) adds headers for the collector.
     */
    private static io.gatewaystack.audit.trace.Tracing.Settings tracing(ConfigNode n, Map<String, String> env) {
        n.allowOnly(Set.of("otlp_endpoint", "service_name", "sample_ratio"));
        String endpoint = n.string("otlp_endpoint", null);
        if (endpoint == null || endpoint.isBlank()) {
            return null;
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        String raw = env.get("OTEL_EXPORTER_OTLP_HEADERS");
        if (raw != null && !raw.isBlank()) {
            for (String pair : raw.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException("OTEL_EXPORTER_OTLP_HEADERS", "must be key=value pairs separated by commas");
                }
                headers.put(pair.substring(0, eq).trim(),
                        java.net.URLDecoder.decode(pair.substring(eq + 1).trim(), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        String ratio = n.string("sample_ratio", "1.0");
        try {
            return new io.gatewaystack.audit.trace.Tracing.Settings(java.net.URI.create(endpoint.trim()),
                    n.string("service_name", "gatewaystack"), Double.parseDouble(ratio), headers);
        } catch (NumberFormatException e) {
            throw new ConfigException(n.keyOf("sample_ratio"), "must be a number between 0 and 1");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.keyOf(e.getMessage().contains("ratio") ? "sample_ratio" : "otlp_endpoint"), e.getMessage());
        }
    }

    /** {@code audit.webhook}: null when no URL is set. Its secrets come from the environment only. */
    private static io.gatewaystack.audit.store.WebhookSink.Settings webhook(ConfigNode n, Map<String, String> env) {
        n.allowOnly(Set.of("url", "batch", "timeout_ms"));
        String url = n.string("url", null);
        if (url == null || url.isBlank()) {
            return null;
        }
        String auth = env.get("GATEWAYSTACK_AUDIT_WEBHOOK_AUTHORIZATION");
        String secret = env.get("GATEWAYSTACK_AUDIT_WEBHOOK_SECRET");
        byte[] secretKey = null;
        if (secret != null && !secret.isBlank()) {
            try {
                secretKey = io.gatewaystack.audit.AuditConfig.parseKey(secret.trim());
            } catch (RuntimeException e) {
                throw new ConfigException("GATEWAYSTACK_AUDIT_WEBHOOK_SECRET", e.getMessage());
            }
            if (secretKey.length < 16) {
                throw new ConfigException("GATEWAYSTACK_AUDIT_WEBHOOK_SECRET", "must be at least 16 bytes");
            }
        }
        try {
            return new io.gatewaystack.audit.store.WebhookSink.Settings(java.net.URI.create(url.trim()),
                    auth == null || auth.isBlank() ? null : auth.trim(), secretKey,
                    n.integer("batch", 500, 1, 10_000), n.millis("timeout_ms", Duration.ofSeconds(10), 100, 300_000));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.keyOf("url"), e.getMessage());
        }
    }

    private static String defaultInstanceId() {
        try {
            String host = java.net.InetAddress.getLocalHost().getHostName();
            return host == null || host.isBlank() ? "gateway" : host;
        } catch (java.io.IOException e) {
            return "gateway";
        }
    }

    /** Route names and groups a {@code transform.routes} entry may name ({@code llm.*} for each LLM route). */
    private static final Set<String> TRANSFORM_ROUTES = Set.of("llm", "mcp", "tools", "proxy", "protected.echo");
    private static final Set<String> TRANSFORM_ROUTE_KEYS = Set.of("default_action", "mask_keep", "actions",
            "block_threshold", "body_shape", "on_error", "classify", "response");

    /** The transform section; null when absent or {@code enabled: false}. Detectors are compiled (and checked) here. */
    private static TransformConfig transform(ConfigNode n) {
        n.allowOnly(Set.of("enabled", "detectors", "phone_region", "default_action", "mask_keep", "actions",
                "block_threshold", "on_error", "classify", "max_depth", "custom_detectors", "body_shape", "response", "routes"));
        if (!n.isPresent() || !n.bool("enabled", true)) {
            return null;
        }
        try {
            List<CustomDetectorConfig> custom = new ArrayList<>();
            for (ConfigNode d : n.list("custom_detectors")) {
                d.allowOnly(Set.of("name", "pattern", "validator", "context_words", "confidence_percent", "label"));
                String name = d.string("name", null);
                String pattern = d.string("pattern", null);
                if (name == null || pattern == null) {
                    throw new ConfigException(d.path(), "needs a name and a pattern");
                }
                custom.add(new CustomDetectorConfig(name, pattern, CustomDetectorConfig.Validator.parse(d.string("validator", "none")),
                        d.stringList("context_words", List.of()),
                        d.integer("confidence_percent", 80, 0, 100) / 100.0, d.string("label", "pii")));
            }
            TransformConfig defaults = new TransformConfig(
                    new java.util.LinkedHashSet<>(n.stringList("detectors", List.of())),
                    custom, ActionPolicy.all(Action.ANNOTATE), 80, io.gatewaystack.transform.FailureMode.FAIL_OPEN,
                    n.string("phone_region", "US").toUpperCase(java.util.Locale.ROOT), BodyShape.AUTO,
                    n.integer("max_depth", 512, 1, 10_000), true);
            TransformConfig base = transformOverrides(n, defaults);
            new TransformEngine(base); // compiles every detector now: a bad pattern stops the start
            ConfigNode routesNode = n.child("routes");
            Map<String, TransformConfig> routes = new java.util.LinkedHashMap<>();
            for (String route : routesNode.names()) {
                if (!TRANSFORM_ROUTES.contains(route) && !route.matches("llm\\.[a-z_]+")) {
                    throw new ConfigException(routesNode.keyOf(route), "unknown route (use llm, llm.chat, llm.messages, "
                            + "llm.embeddings, mcp, tools, proxy or protected.echo)");
                }
                ConfigNode r = routesNode.child(route).allowOnly(TRANSFORM_ROUTE_KEYS);
                routes.put(route, transformOverrides(r, base));
            }
            return base.withRoutes(routes);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(n.path(), e.getMessage());
        }
    }

    /**
     * The settings a route may change, over {@code base}: actions merge per type (a route's entry wins), the rest
     * replace. A response section turns response scanning on unless it says {@code enabled: false}.
     */
    private static TransformConfig transformOverrides(ConfigNode n, TransformConfig base) {
        try {
            ActionPolicy actions = actionPolicy(n, base.actions());
            ConfigNode resp = n.child("response").allowOnly(Set.of("enabled", "default_action", "mask_keep", "actions", "holdback_chars"));
            ResponseSettings response = base.response();
            if (resp.isPresent()) {
                ActionPolicy responseActions = actionPolicy(resp, response.actions());
                int holdback = resp.integer("holdback_chars", response.holdbackChars(), 16, 65_536);
                try {
                    response = new ResponseSettings(resp.bool("enabled", true), responseActions, holdback);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(resp.path(), e.getMessage());
                }
            }
            return new TransformConfig(base.detectors(), base.customDetectors(), actions,
                    n.integer("block_threshold", base.blockThreshold(), 0, TransformConfig.NEVER_BLOCK),
                    io.gatewaystack.transform.FailureMode.valueOf(n.string("on_error", base.onError().name())
                            .toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
                    base.phoneRegion(),
                    n.string("body_shape", null) == null ? base.bodyShape() : BodyShape.parse(n.string("body_shape", null)),
                    base.maxDepth(), n.bool("classify", base.classify()), response, Map.of());
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigException(n.path(), e.getMessage());
        }
    }

    /** {@code default_action}, {@code mask_keep} and {@code actions} of a section over the inherited policy. */
    private static ActionPolicy actionPolicy(ConfigNode n, ActionPolicy inherited) {
        Map<String, Action> perType = new java.util.LinkedHashMap<>(inherited.perType());
        n.stringListMap("actions").forEach((type, values) -> {
            if (values.size() != 1) {
                throw new ConfigException(n.keyOf("actions") + "." + type, "must be one action");
            }
            try {
                perType.put(type, Action.parse(values.get(0)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(n.keyOf("actions") + "." + type, e.getMessage());
            }
        });
        String defaultAction = n.string("default_action", null);
        return new ActionPolicy(perType, defaultAction == null ? inherited.defaultAction() : Action.parse(defaultAction),
                n.integer("mask_keep", inherited.maskKeep(), 0, 64));
    }

    private static LimitsConfig limits(ConfigNode n) {
        Set<String> known = new java.util.HashSet<>(Set.of("store", "redis_url", "redis_key_prefix", "redis_timeout_ms",
                "failure_mode", "concurrency_per_user", "concurrency_lease_seconds", "rules", "agent_guard"));
        known.addAll(BudgetConfigReader.KEYS);
        n.allowOnly(known);
        List<RateLimitRule> rules = new ArrayList<>();
        for (ConfigNode r : n.list("rules")) {
            r.allowOnly(Set.of("name", "key", "max", "window_ms"));
            String name = r.string("name", null);
            if (name == null) {
                throw new ConfigException(r.keyOf("name"), "is required");
            }
            List<KeyPart> parts = new ArrayList<>();
            for (String part : r.stringList("key", List.of("user"))) {
                try {
                    parts.add(KeyPart.valueOf(part.toUpperCase(java.util.Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(r.keyOf("key"), "unknown key part '" + part
                            + "' (user, org, tenant, client, route, resource)");
                }
            }
            try {
                rules.add(new RateLimitRule(name, parts, r.integer("max", 0, 1, Integer.MAX_VALUE),
                        r.millis("window_ms", Duration.ofMinutes(1), 1, 366L * 24 * 3600 * 1000)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(r.path(), e.getMessage());
            }
        }
        String store = n.string("store", "memory").toLowerCase(java.util.Locale.ROOT);
        StoreKind kind = switch (store) {
            case "memory" -> StoreKind.MEMORY;
            case "redis" -> StoreKind.REDIS;
            default -> throw new ConfigException(n.keyOf("store"), "must be 'memory' or 'redis', got '" + store + "'");
        };
        String failure = n.string("failure_mode", "fail_open").toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        FailureMode mode = switch (failure) {
            case "fail_open" -> FailureMode.FAIL_OPEN;
            case "fail_closed" -> FailureMode.FAIL_CLOSED;
            default -> throw new ConfigException(n.keyOf("failure_mode"), "must be 'fail_open' or 'fail_closed'");
        };
        try {
            return new LimitsConfig(rules,
                    n.integer("concurrency_per_user", 0, 0, 1_000_000),
                    n.seconds("concurrency_lease_seconds", Duration.ofMinutes(10), 1, 86_400),
                    kind,
                    n.string("redis_url", null),
                    n.string("redis_key_prefix", "gs:limits:"),
                    mode,
                    n.millis("redis_timeout_ms", Duration.ofMillis(200), 10, 60_000),
                    Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.path().isEmpty() ? "limits" : n.path(), e.getMessage());
        }
    }

    private static ServerSettings server(ConfigNode n) {
        n.allowOnly(Set.of("host", "port", "max_body_bytes", "max_header_bytes", "idle_timeout_seconds",
                "shutdown_grace_seconds", "public_url", "trusted_proxies", "event_loops"));
        String publicUrl = n.string("public_url", null);
        URI publicUri = null;
        if (publicUrl != null) {
            publicUri = httpUrl(n.keyOf("public_url"), publicUrl);
            if (publicUri.getRawQuery() != null || publicUri.getRawFragment() != null) {
                throw new ConfigException(n.keyOf("public_url"), "must not have a query or fragment");
            }
        }
        return new ServerSettings(
                n.string("host", "0.0.0.0"),
                n.integer("port", 8080, 0, 65535),
                n.longValue("max_body_bytes", 2L * 1024 * 1024, 1024, 1L << 30),
                n.integer("max_header_bytes", 16 * 1024, 1024, 1024 * 1024),
                n.seconds("idle_timeout_seconds", Duration.ofSeconds(60), 1, 3600),
                n.seconds("shutdown_grace_seconds", Duration.ofSeconds(20), 0, 600),
                publicUri,
                TrustedProxies.parse(n.stringList("trusted_proxies", List.of()), n.keyOf("trusted_proxies")),
                n.integer("event_loops", Runtime.getRuntime().availableProcessors(), 1, 256));
    }

    private static IdentityConfig identity(ConfigNode n) {
        ConfigNode jwks = n.child("jwks").allowOnly(Set.of("cache_ttl_seconds", "refresh_min_interval_seconds", "http_timeout_ms"));
        List<IssuerConfig> issuers = new ArrayList<>();
        for (ConfigNode issuer : n.list("issuers")) {
            issuers.add(issuer(issuer));
        }
        if (issuers.isEmpty()) {
            throw new ConfigException(n.keyOf("issuers"), "at least one token issuer is required (set OAUTH_ISSUER and OAUTH_AUDIENCE)");
        }
        return new IdentityConfig(
                issuers,
                jwks.seconds("cache_ttl_seconds", Duration.ofMinutes(5), 1, 86_400),
                jwks.seconds("refresh_min_interval_seconds", Duration.ofSeconds(30), 0, 3600),
                jwks.millis("http_timeout_ms", Duration.ofSeconds(3), 100, 60_000),
                n.integer("max_token_length", 8192, 256, 64 * 1024),
                n.integer("token_cache_size", 10_000, 0, 10_000_000));
    }

    private static IssuerConfig issuer(ConfigNode n) {
        n.allowOnly(Set.of("issuer", "audiences", "jwks_uri", "algorithms", "clock_skew_seconds", "claims"));
        String issuer = n.string("issuer", null);
        if (issuer == null) {
            throw new ConfigException(n.keyOf("issuer"), "is required (OAUTH_ISSUER)");
        }
        httpUrl(n.keyOf("issuer"), issuer);
        List<String> audiences = n.stringList("audiences", List.of());
        if (audiences.isEmpty()) {
            throw new ConfigException(n.keyOf("audiences"),
                    "must name at least one audience (OAUTH_AUDIENCE); an empty audience never means 'no audience check'");
        }
        String jwks = n.string("jwks_uri", null);
        URI jwksUri = jwks == null ? null : httpUrl(n.keyOf("jwks_uri"), jwks);
        Set<String> algorithms = new LinkedHashSet<>(n.stringList("algorithms", List.copyOf(IssuerConfig.DEFAULT_ALGORITHMS)));
        ConfigNode c = n.child("claims").allowOnly(Set.of("org", "tenant", "roles", "scopes", "email", "name", "plan"));
        ClaimMapping d = ClaimMapping.defaults();
        ClaimMapping claims = new ClaimMapping(
                c.stringList("org", d.orgClaims()),
                c.stringList("tenant", d.tenantClaims()),
                c.stringList("roles", d.roleClaims()),
                c.stringList("scopes", d.scopeClaims()),
                c.string("email", d.emailClaim()),
                c.string("name", d.nameClaim()),
                c.string("plan", d.planClaim()));
        try {
            return new IssuerConfig(issuer, audiences, jwksUri, algorithms,
                    n.seconds("clock_skew_seconds", IssuerConfig.DEFAULT_CLOCK_SKEW, 0, 3600), claims);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.path(), e.getMessage());
        }
    }

    private static ProxyConfig proxy(ConfigNode n) {
        n.allowOnly(Set.of("target", "inject_header", "inject_query", "connect_timeout_ms", "response_timeout_ms",
                "max_connections", "forward_bearer", "forward_cookies", "inspect_bodies"));
        String target = n.string("target", null);
        if (target == null) {
            return null;
        }
        URI uri = httpUrl(n.keyOf("target"), target);
        String injectQuery = n.string("inject_query", null);
        if (injectQuery != null && !injectQuery.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new ConfigException(n.keyOf("inject_query"), "must be a parameter name (letters, digits, '_', '.', '-')");
        }
        try {
            return new ProxyConfig(uri, n.string("inject_header", null), injectQuery,
                    n.millis("connect_timeout_ms", Duration.ofSeconds(5), 10, 600_000),
                    n.millis("response_timeout_ms", Duration.ofSeconds(30), 10, 3_600_000),
                    n.integer("max_connections", 256, 1, 100_000),
                    n.bool("forward_bearer", false),
                    n.bool("forward_cookies", false),
                    n.bool("inspect_bodies", false));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.keyOf("target"), e.getMessage());
        }
    }

    private static AssertionSettings assertion(ConfigNode n) {
        n.allowOnly(Set.of("enabled", "issuer", "ttl_seconds", "key_file", "signing_kid"));
        String keyFile = n.string("key_file", null);
        return new AssertionSettings(
                n.bool("enabled", true),
                n.string("issuer", null),
                n.seconds("ttl_seconds", Duration.ofSeconds(120), 10, 3600),
                keyFile == null ? null : Path.of(keyFile),
                n.string("signing_kid", null));
    }

    private static URI httpUrl(String key, String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "'" + value + "' is not a valid URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new ConfigException(key, "must be an http:// or https:// URL, got '" + value + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new ConfigException(key, "must name a host, got '" + value + "'");
        }
        return uri;
    }
}
