package io.gatewaystack.server.config;

import io.gatewaystack.proxy.upstream.SecretValue;
import io.gatewaystack.proxy.upstream.UpstreamAuth;
import io.gatewaystack.server.llm.LlmSettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Reads the {@code llm:} section: providers, their credentials (from the environment or files) and model routes. */
final class LlmConfigReader {

    private LlmConfigReader() {
    }

    static LlmSettings read(ConfigNode n, Map<String, String> env) {
        n.allowOnly(Set.of("providers", "models", "max_attempts", "retries", "backoff_ms", "circuit_breaker", "sensitive_labels",
                "max_response_bytes", "max_connections"));
        Map<String, LlmSettings.Provider> providers = new LinkedHashMap<>();
        ConfigNode p = n.child("providers");
        for (String name : p.names()) {
            providers.put(name, provider(name, p.child(name), env));
        }
        Map<String, LlmSettings.ModelRoute> models = new LinkedHashMap<>();
        ConfigNode m = n.child("models");
        for (String name : m.names()) {
            ConfigNode model = m.child(name).allowOnly(Set.of("targets", "balance"));
            List<LlmSettings.Target> targets = targets(model, providers);
            String balance = model.string("balance", "ordered").toLowerCase(Locale.ROOT);
            if (!balance.equals("ordered") && !balance.equals("weighted")) {
                throw new ConfigException(model.keyOf("balance"), "must be ordered or weighted");
            }
            models.put(name, new LlmSettings.ModelRoute(name, targets,
                    balance.equals("weighted") ? LlmSettings.Balance.WEIGHTED : LlmSettings.Balance.ORDERED));
        }
        ConfigNode breaker = n.child("circuit_breaker").allowOnly(Set.of("failures", "open_seconds"));
        return new LlmSettings(providers, models,
                n.integer("max_attempts", 3, 1, 10),
                n.integer("retries", 1, 0, 5),
                n.millis("backoff_ms", Duration.ofMillis(50), 0, 10_000),
                breaker.integer("failures", 5, 1, 1000),
                breaker.seconds("open_seconds", Duration.ofSeconds(30), 1, 3600),
                n.stringList("sensitive_labels", List.of("phi", "medical", "secrets")),
                n.longValue("max_response_bytes", 16L * 1024 * 1024, 1024, 1L << 30),
                n.integer("max_connections", 2048, 1, 100_000));
    }

    /** {@code targets}: each {@code provider/model}, or {@code {target: provider/model, weight: N}}. */
    private static List<LlmSettings.Target> targets(ConfigNode model, Map<String, LlmSettings.Provider> providers) {
        List<LlmSettings.Target> targets = new ArrayList<>();
        tools.jackson.databind.JsonNode raw = model.raw("targets");
        if (raw != null && raw.isValueNode() && !raw.isNull()) {
            for (String t : model.stringList("targets", List.of())) {
                targets.add(target(t, 1, model.keyOf("targets"), providers));
            }
        } else {
            for (ConfigNode item : model.list("targets")) {
                tools.jackson.databind.JsonNode node = item.value();
                if (node != null && node.isString()) {
                    targets.add(target(node.stringValue().trim(), 1, item.path(), providers));
                } else if (node != null && node.isObject()) {
                    item.allowOnly(Set.of("target", "weight"));
                    String t = item.string("target", null);
                    if (t == null) {
                        throw new ConfigException(item.keyOf("target"), "is required (provider/model)");
                    }
                    targets.add(target(t, item.integer("weight", 1, 1, 1_000_000), item.path(), providers));
                } else {
                    throw new ConfigException(item.path(), "must be provider/model or {target: provider/model, weight: N}");
                }
            }
        }
        if (targets.isEmpty()) {
            throw new ConfigException(model.keyOf("targets"), "must list at least one provider/model");
        }
        return targets;
    }

    private static LlmSettings.Target target(String t, int weight, String where, Map<String, LlmSettings.Provider> providers) {
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new ConfigException(where, "'" + t + "' must be provider/model");
        }
        String provider = t.substring(0, slash);
        if (!providers.containsKey(provider)) {
            throw new ConfigException(where, "names the unknown provider '" + provider + "'");
        }
        return new LlmSettings.Target(provider, t.substring(slash + 1), weight);
    }

    /** A provider's credentials: secrets come from environment variables or files, never from the file itself. */
    private static UpstreamAuth auth(ConfigNode a, LlmSettings.Kind kind, Map<String, String> env) {
        a.allowOnly(Set.of("mode", "env", "file", "header", "token_url", "client_id", "client_secret_env",
                "client_secret_file", "scope", "audience"));
        String mode = a.string("mode", "none").toLowerCase(Locale.ROOT);
        try {
            return switch (mode) {
                case "api_key" -> new UpstreamAuth.ApiKey(a.string("header", kind.speaksAnthropic() ? "x-api-key"
                        : kind == LlmSettings.Kind.AZURE_OPENAI ? "api-key" : "Authorization"),
                        secret(a, "env", "file", env));
                case "forward_bearer" -> new UpstreamAuth.ForwardBearer();
                case "service_oauth" -> new UpstreamAuth.ServiceOAuth(tokenUrl(a), a.string("client_id", null),
                        secret(a, "client_secret_env", "client_secret_file", env), a.string("scope", null), a.string("audience", null));
                case "user_oauth" -> new UpstreamAuth.UserOAuth(tokenUrl(a), a.string("client_id", null),
                        secret(a, "client_secret_env", "client_secret_file", env), a.string("audience", null), a.string("scope", null));
                case "none" -> new UpstreamAuth.None();
                default -> throw new ConfigException(a.keyOf("mode"),
                        "must be api_key, forward_bearer, service_oauth, user_oauth or none");
            };
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new ConfigException(a.path(), e.getMessage());
        }
    }

    private static SecretValue secret(ConfigNode a, String envKey, String fileKey, Map<String, String> env) {
        String envName = a.string(envKey, null);
        String file = a.string(fileKey, null);
        if (envName != null) {
            return SecretValue.fromEnv(envName, env);
        }
        if (file != null) {
            return SecretValue.fromFile(Path.of(file));
        }
        throw new ConfigException(a.path(), "needs " + envKey + " (a variable name) or " + fileKey + " (never the secret itself)");
    }

    private static URI tokenUrl(ConfigNode a) {
        String url = a.string("token_url", null);
        if (url == null) {
            throw new ConfigException(a.keyOf("token_url"), "is required for OAuth modes");
        }
        return URI.create(url);
    }

    private static LlmSettings.Provider provider(String name, ConfigNode n, Map<String, String> env) {
        n.allowOnly(Set.of("kind", "base_url", "auth", "data_policy", "timeout_ms", "allow_private", "api_version",
                "responses_api"));
        String kindText = n.string("kind", "openai_compatible");
        LlmSettings.Kind kind;
        try {
            kind = LlmSettings.Kind.valueOf(kindText.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(n.keyOf("kind"), "must be openai, anthropic, azure_openai, gemini or openai_compatible");
        }
        String base = n.string("base_url", null);
        if (base == null) {
            throw new ConfigException(n.keyOf("base_url"), "is required");
        }
        URI baseUrl = URI.create(base);
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
            throw new ConfigException(n.keyOf("base_url"), "must be an http(s) URL with a host");
        }
        UpstreamAuth auth = auth(n.child("auth"), kind, env);
        String policy = n.string("data_policy", "standard");
        if (!List.of("standard", "zero_retention", "internal").contains(policy)) {
            throw new ConfigException(n.keyOf("data_policy"), "must be standard, zero_retention or internal");
        }
        // POST /v1/responses: native where the API exists (OpenAI, Azure, vLLM, Ollama, LM Studio), else via chat
        String responses = n.string("responses_api",
                kind == LlmSettings.Kind.OPENAI_COMPATIBLE || kind == LlmSettings.Kind.OPENAI
                        || kind == LlmSettings.Kind.AZURE_OPENAI ? "native" : "chat").toLowerCase(Locale.ROOT);
        if (!responses.equals("native") && !responses.equals("chat")) {
            throw new ConfigException(n.keyOf("responses_api"), "must be native or chat");
        }
        if (responses.equals("native") && kind.speaksAnthropic()) {
            throw new ConfigException(n.keyOf("responses_api"), "an Anthropic provider has no Responses API: use chat (translation)");
        }
        return new LlmSettings.Provider(name, kind, baseUrl, auth, policy,
                n.millis("timeout_ms", Duration.ofSeconds(60), 100, 3_600_000),
                n.bool("allow_private", false), n.string("api_version", null), responses.equals("native"));
    }
}
