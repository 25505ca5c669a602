package io.gatewaystack.mcp.federation;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Sends one HTTP POST to an upstream MCP endpoint, adding the caller's identity the way the upstream's
 * {@link UpstreamServer.Propagation} says, plus {@code X-Request-Id} and the layers' extra headers.
 *
 * <p>Implementations never block the calling thread and always complete: with the answer (any status), or
 * exceptionally with a {@link io.gatewaystack.mcp.ToolCallException} (timeout within {@link UpstreamServer#timeout()},
 * unreachable, blocked address, answer too large, credentials unavailable).
 */
@FunctionalInterface
public interface UpstreamTransport {

    CompletionStage<Reply> post(UpstreamServer upstream, Caller caller, Map<String, String> headers, byte[] body);

    /**
     * @param status      the HTTP status
     * @param contentType the Content-Type, or null
     * @param sessionId   the {@code Mcp-Session-Id} header, or null
     * @param body        the whole body (empty when none)
     */
    record Reply(int status, String contentType, String sessionId, byte[] body) {
        public Reply {
            body = body == null ? new byte[0] : body;
        }
    }
}
