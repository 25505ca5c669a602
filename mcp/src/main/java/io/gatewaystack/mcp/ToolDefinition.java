package io.gatewaystack.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One tool the gateway serves, backed by an HTTP endpoint that receives the call's arguments as a JSON POST.
 *
 * @param name           the tool name ({@code [A-Za-z0-9_.-]{1,128}}), unique in the registry
 * @param title          a human title, or null
 * @param description    what the tool does (shown to the model), or null
 * @param inputSchema    the JSON Schema of the arguments; must be {@code type: object} (a permissive one when null)
 * @param requiredScopes scopes the caller's token must all hold (exact match); empty means none
 * @param backendUrl     where calls are POSTed
 * @param timeout        how long a call may take before it becomes an error result
 */
public record ToolDefinition(String name, String title, String description, JsonNode inputSchema,
                             List<String> requiredScopes, String backendUrl, Duration timeout) {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid tool name '" + name + "': use letters, digits, '_', '-' or '.'");
        }
        if (inputSchema == null) {
            inputSchema = permissiveSchema();
        }
        if (!inputSchema.isObject() || !"object".equals(inputSchema.path("type").asString(""))) {
            throw new IllegalArgumentException("the input schema of tool '" + name + "' must be a JSON object with type \"object\"");
        }
        requiredScopes = requiredScopes == null ? List.of() : List.copyOf(requiredScopes);
        Objects.requireNonNull(backendUrl, "backendUrl");
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            timeout = DEFAULT_TIMEOUT;
        }
    }

    /** {@code {"type":"object"}}: any arguments. */
    public static ObjectNode permissiveSchema() {
        ObjectNode schema = JsonRpc.NODES.objectNode();
        schema.put("type", "object");
        return schema;
    }

    /** The tool as {@code tools/list} shows it. */
    public ObjectNode toListEntry() {
        ObjectNode o = JsonRpc.NODES.objectNode();
        o.put("name", name);
        if (title != null) {
            o.put("title", title);
        }
        if (description != null) {
            o.put("description", description);
        }
        o.set("inputSchema", inputSchema);
        return o;
    }
}
