package io.gatewaystack.limits.agent;

import io.gatewaystack.core.RequestContext;

/**
 * Finds a request's verified session, which names its workflow when no workflow header is sent. The MCP route's
 * source verifies the signed {@code Mcp-Session-Id} for the request's user (the server composes it; this module
 * does not depend on the MCP one).
 */
@FunctionalInterface
public interface SessionSource {

    /** The session id of this request when it verifies for the request's identity, else null. Never throws. */
    String verifiedSession(RequestContext ctx);

    /** No sessions: only the workflow header names workflows. */
    SessionSource NONE = ctx -> null;
}
