package io.gatewaystack.mcp;

import io.gatewaystack.core.Identity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** The tools the gateway serves, in declaration order; immutable. */
public final class ToolRegistry {

    private final Map<String, ToolDefinition> tools;
    private final List<ToolDefinition> ordered;

    public ToolRegistry(Collection<ToolDefinition> definitions) {
        Map<String, ToolDefinition> map = new LinkedHashMap<>();
        for (ToolDefinition t : definitions) {
            if (map.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("tool '" + t.name() + "' is declared twice");
            }
        }
        this.tools = Map.copyOf(map);
        this.ordered = List.copyOf(map.values());
    }

    public static ToolRegistry empty() {
        return new ToolRegistry(List.of());
    }

    /** The same tools plus others (names must not clash). */
    public ToolRegistry plus(Collection<ToolDefinition> more) {
        List<ToolDefinition> all = new ArrayList<>(ordered);
        all.addAll(more);
        return new ToolRegistry(all);
    }

    /**
     * Tools from the seed's {@code TOOL_SCOPES_JSON} ({@code {"tool":["scope", ...]}}), each POSTed to
     * {@code baseUrl + "/" + name} with a permissive schema. Seed semantics: invalid JSON or a non-object gives no
     * tools (fail closed); non-string or blank scopes are dropped; {@code []} means no scope needed. Tool names the
     * registry does not accept are skipped.
     */
    public static List<ToolDefinition> fromScopesJson(String toolScopesJson, String baseUrl, Duration timeout) {
        if (toolScopesJson == null || toolScopesJson.isBlank()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JsonRpc.MAPPER.readTree(toolScopesJson);
        } catch (JacksonException e) {
            return List.of();
        }
        if (root == null || !root.isObject()) {
            return List.of();
        }
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        List<ToolDefinition> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            if (!ToolDefinition.NAME.matcher(name).matches()) {
                continue;
            }
            List<String> scopes = new ArrayList<>();
            if (e.getValue().isArray()) {
                for (JsonNode s : e.getValue()) {
                    if (s.isString() && !s.asString().isBlank()) {
                        scopes.add(s.asString().trim());
                    }
                }
            } else {
                continue; // not a list: the seed drops the tool's scopes; we drop the tool (fail closed)
            }
            out.add(new ToolDefinition(name, null, name, null, scopes, base + "/" + name, timeout));
        }
        return out;
    }

    public ToolDefinition get(String name) {
        return name == null ? null : tools.get(name);
    }

    public List<ToolDefinition> all() {
        return ordered;
    }

    public int size() {
        return ordered.size();
    }

    /** Whether this identity holds every scope the tool requires (exact match). */
    public static boolean hasScopes(Identity identity, ToolDefinition tool) {
        return tool.requiredScopes().isEmpty() || identity != null && identity.hasAllScopes(tool.requiredScopes());
    }

    /** The tools this identity may see (and so call), in declaration order: scopes, then the filter. */
    public List<ToolDefinition> visibleTo(Identity identity, ToolFilter filter) {
        List<ToolDefinition> out = new ArrayList<>(ordered.size());
        java.util.function.Predicate<ToolDefinition> allowed = filter == null ? t -> true : filter.forCaller(identity);
        for (ToolDefinition t : ordered) {
            if (hasScopes(identity, t) && allowed.test(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Every scope any tool requires, sorted (for the protected resource metadata's {@code scopes_supported}). */
    public List<String> allScopes() {
        return ordered.stream().flatMap(t -> t.requiredScopes().stream()).distinct().sorted().toList();
    }
}
