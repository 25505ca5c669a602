package io.gatewaystack.server.mcp;

import io.gatewaystack.core.RequestContext;
import io.gatewaystack.limits.agent.SessionSource;
import io.gatewaystack.mcp.McpServer;
import io.gatewaystack.mcp.McpSessions;
import java.util.Objects;

/**
 * The agent guard's workflow on {@code /mcp} when no workflow header is sent: the request's {@code Mcp-Session-Id},
 * only when it verifies (signature, expiry) for the request's verified user — the same check the MCP server makes.
 * An id that does not verify names no workflow; the MCP server then answers 404 and the client re-initializes.
 */
public final class McpSessionWorkflows implements SessionSource {

    private final McpSessions sessions;

    public McpSessionWorkflows(McpSessions sessions) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
    }

    @Override
    public String verifiedSession(RequestContext ctx) {
        String id = ctx.headers().get(McpServer.SESSION_HEADER);
        if (id == null || ctx.identity() == null) {
            return null;
        }
        return sessions.verify(id, McpServer.sessionSubject(ctx.identity())).isValid() ? id : null;
    }
}
