package io.gatewaystack.mcp;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * What to answer: a status, a JSON-RPC body (one object, an array for a batch, or null for none) and extra headers
 * (e.g. {@code Mcp-Session-Id}), plus — for the audit trail, not the client — how a tool call ended when its
 * result is an error ({@link ToolOutcome}; null when no tool was called or the call succeeded).
 */
public record McpHttpResponse(int status, JsonNode body, Map<String, String> headers, ToolOutcome toolOutcome) {

    /** How a tool call that produced an {@code isError} result failed. */
    public enum ToolOutcome {
        /** The backend refused (HTTP 401 or 403), e.g. the CRM's cross-user read. */
        DENIED,
        /** The backend answered another error status, an unusable body, or could not be reached. */
        FAILED,
        /** The backend did not answer in time. */
        TIMEOUT
    }

    public McpHttpResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public McpHttpResponse(int status, JsonNode body, Map<String, String> headers) {
        this(status, body, headers, null);
    }

    public static McpHttpResponse of(int status, JsonNode body) {
        return new McpHttpResponse(status, body, Map.of(), null);
    }

    public static McpHttpResponse accepted() {
        return new McpHttpResponse(202, null, Map.of(), null);
    }

    public McpHttpResponse withToolOutcome(ToolOutcome outcome) {
        return new McpHttpResponse(status, body, headers, outcome);
    }
}
