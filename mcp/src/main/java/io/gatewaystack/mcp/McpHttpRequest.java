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
 * @param extraHeaders    headers layers asked to add upstream (a policy's "add header")
 * @param bearerToken     the caller's raw access token, for upstreams that exchange it (RFC 8693); null otherwise
 */
public record McpHttpRequest(JsonRpc.Parsed body, String sessionId, String protocolVersion, String origin,
                             Identity identity, String requestId, java.util.Map<String, String> extraHeaders,
                             String bearerToken) {

    public McpHttpRequest {
        extraHeaders = extraHeaders == null ? java.util.Map.of() : java.util.Map.copyOf(extraHeaders);
    }

    public McpHttpRequest(JsonRpc.Parsed body, String sessionId, String protocolVersion, String origin,
                          Identity identity, String requestId, java.util.Map<String, String> extraHeaders) {
        this(body, sessionId, protocolVersion, origin, identity, requestId, extraHeaders, null);
    }

    @Override
    public String toString() {
        return "McpHttpRequest[" + requestId + "]"; // never the token
    }

    public McpHttpRequest(JsonRpc.Parsed body, String sessionId, String protocolVersion, String origin,
                          Identity identity, String requestId) {
        this(body, sessionId, protocolVersion, origin, identity, requestId, java.util.Map.of(), null);
    }
}
