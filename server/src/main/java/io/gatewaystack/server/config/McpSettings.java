package io.gatewaystack.server.config;

import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.federation.UpstreamServer;
import io.gatewaystack.proxy.upstream.UpstreamAuth;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The MCP gateway ({@code /mcp}) and the REST tool gateway ({@code /tools/{name}}).
 *
 * @param tools            HTTP tool backends ({@code mcp.tools}, and {@code TOOL_SCOPES_JSON} with
 *                         {@code mcp.functions_base}); the routes exist only when there is at least one
 * @param sessionKey       HMAC key of the stateless session ids ({@code MCP_SESSION_KEY}); share it across replicas
 * @param sessionTtl       how long a session id is valid
 * @param allowedOrigins   browser origins allowed to call {@code /mcp} (empty: requests without Origin only)
 * @param pageSize         tools per {@code tools/list} page
 * @param maxResponseBytes the largest tool backend answer accepted
 * @param allowPrivateBackends tool backends may be on loopback/private addresses (local services, the demo)
 * @param upstreams        federated upstream MCP servers ({@code mcp.upstreams})
 */
public record McpSettings(List<ToolDefinition> tools, byte[] sessionKey, Duration sessionTtl, Set<String> allowedOrigins,
                          int pageSize, long maxResponseBytes, boolean allowPrivateBackends, List<Upstream> upstreams) {

    /**
     * One upstream MCP server.
     *
     * @param server   where it is, its prefix and how identity reaches it
     * @param exchange the RFC 8693 token exchange settings ({@code token_exchange} propagation only), else null
     */
    public record Upstream(UpstreamServer server, UpstreamAuth.UserOAuth exchange) {
    }

    public McpSettings {
        tools = List.copyOf(tools);
        allowedOrigins = Set.copyOf(allowedOrigins);
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
    }

    public McpSettings(List<ToolDefinition> tools, byte[] sessionKey, Duration sessionTtl, Set<String> allowedOrigins,
                       int pageSize, long maxResponseBytes, boolean allowPrivateBackends) {
        this(tools, sessionKey, sessionTtl, allowedOrigins, pageSize, maxResponseBytes, allowPrivateBackends, List.of());
    }

    /** Whether {@code /mcp} and {@code /tools/{name}} exist: some tool or some upstream is configured. */
    public boolean enabled() {
        return !tools.isEmpty() || !upstreams.isEmpty();
    }

    /** The same settings with more tools (the demo adds its starter tools once their backend runs). */
    public McpSettings withMoreTools(List<ToolDefinition> more, boolean allowPrivate) {
        List<ToolDefinition> all = new ArrayList<>(tools);
        all.addAll(more);
        return new McpSettings(all, sessionKey, sessionTtl, allowedOrigins, pageSize, maxResponseBytes, allowPrivate, upstreams);
    }

    @Override
    public String toString() {
        return "McpSettings[" + tools.size() + " tools, " + upstreams.size() + " upstreams]"; // never the key
    }
}
