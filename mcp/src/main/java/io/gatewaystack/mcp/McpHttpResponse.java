package io.gatewaystack.mcp;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What to answer: a status, a JSON-RPC body (one object, an array for a batch, or null for none) and extra headers
 * (e.g. {@code Mcp-Session-Id}).
 */
public record McpHttpResponse(int status, JsonNode body, Map<String, String> headers) {

    public McpHttpResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static McpHttpResponse of(int status, JsonNode body) {
        return new McpHttpResponse(status, body, Map.of());
    }

    public static McpHttpResponse accepted() {
        return new McpHttpResponse(202, null, Map.of());
    }
}
