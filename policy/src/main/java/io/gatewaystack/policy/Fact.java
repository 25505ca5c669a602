package io.gatewaystack.policy;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A named fact a declarative condition can test, and how to read it from the input.
 * Values are a {@code String}, a {@code Set<String>}, an {@code Integer}, a {@code Boolean}, or for claims whatever
 * the token held; null means missing.
 */
record Fact(String name, Function<PolicyInput, Object> reader) {

    Object read(PolicyInput input) {
        return reader.apply(input);
    }

    /** The canonical names; {@link #named} also accepts the aliases documented in docs/policy.md. */
    static final List<String> NAMES = List.of("sub", "issuer", "org", "tenant", "plan", "roles", "scopes",
            "claims.<path>", "route", "method", "model", "provider", "tool", "content.labels", "content.pii",
            "content.risk_score", "request.max_tokens", "request.stream");

    /** The fact for a field name of a policy file, or null when no such fact exists. */
    static Fact named(String field) {
        String name = field;
        if (name.startsWith("identity.") || name.startsWith("resource.")) {
            name = name.substring(name.indexOf('.') + 1);
        }
        if (name.startsWith("claims.") || name.startsWith("claim.")) {
            String[] path = name.substring(name.indexOf('.') + 1).split("\\.");
            return new Fact("claims." + String.join(".", path), in -> claim(in.claims(), path));
        }
        return switch (name) {
            case "sub", "subject" -> new Fact("sub", PolicyInput::subject);
            case "issuer", "iss" -> new Fact("issuer", PolicyInput::issuer);
            case "org", "org_id" -> new Fact("org", PolicyInput::org);
            case "tenant", "tenant_id" -> new Fact("tenant", PolicyInput::tenant);
            case "plan" -> new Fact("plan", PolicyInput::plan);
            case "roles", "role" -> new Fact("roles", PolicyInput::roles);
            case "scopes", "scope" -> new Fact("scopes", PolicyInput::scopes);
            case "route" -> new Fact("route", PolicyInput::route);
            case "method" -> new Fact("method", PolicyInput::method);
            case "model" -> new Fact("model", PolicyInput::model);
            case "provider" -> new Fact("provider", PolicyInput::provider);
            case "tool" -> new Fact("tool", PolicyInput::tool);
            case "content.labels", "labels" -> new Fact("content.labels", PolicyInput::labels);
            case "content.pii", "pii" -> new Fact("content.pii", in -> in.pii().keySet());
            case "content.risk_score", "risk_score" -> new Fact("content.risk_score", PolicyInput::riskScore);
            case "request.max_tokens", "max_tokens" -> new Fact("request.max_tokens", PolicyInput::maxTokens);
            case "request.stream", "stream" -> new Fact("request.stream", PolicyInput::stream);
            default -> null;
        };
    }

    private static Object claim(Map<String, Object> claims, String[] path) {
        Object node = claims;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(key);
        }
        return node;
    }
}
