package io.gatewaystack.mcp;

import io.gatewaystack.core.Identity;

/**
 * The parts of a Streamable HTTP request the MCP server needs; the HTTP adapter fills it in.
 *
 * @param body            the parsed body ({@link JsonRpc#parse})
 * @param sessionId       the {@code Mcp-Session-Id} header, or null
 * @param protocolVersion the {@code MCP-Protocol-Version} header, or null
 * @param origin          the {@code Origin} header, or null
 * @param identity        the verified caller (the gateway's identity layer ran before)
 * @param requestId       the gateway request id
 */
public record McpHttpRequest(JsonRpc.Parsed body, String sessionId, String protocolVersion, String origin,
                             Identity identity, String requestId, java.util.Map<String, String> extraHeaders) {

    public McpHttpRequest {
        extraHeaders = extraHeaders == null ? java.util.Map.of() : java.util.Map.copyOf(extraHeaders);
    }

    public McpHttpRequest(JsonRpc.Parsed body, String sessionId, String protocolVersion, String origin,
                          Identity identity, String requestId) {
        this(body, sessionId, protocolVersion, origin, identity, requestId, java.util.Map.of());
    }
}
