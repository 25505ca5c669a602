package io.gatewaystack.mcp;

import io.gatewaystack.core.Identity;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;

/**
 * Sends one tool call to the tool's backend: POST {@code arguments} as JSON to {@link ToolDefinition#backendUrl()}
 * with the caller's identity headers, within {@link ToolDefinition#timeout()}.
 *
 * <p>Implementations must never block the calling thread and must always complete the stage: with the backend's
 * answer (any status), or exceptionally with a {@link ToolCallException} saying what went wrong. The server module
 * implements it on Vert.x's HTTP client; tests can implement it in memory.
 */
@FunctionalInterface
public interface ToolInvoker {

    CompletionStage<BackendResponse> invoke(ToolCall call);

    /**
     * True when every call completes by itself within its tool's timeout (the invoker runs its own timer), so the
     * MCP server need not add a safety-net timeout of its own to each call. That safety net is a scheduled task per
     * call on the common pool, measurable at thousands of calls per second.
     */
    default boolean boundsItsOwnTime() {
        return false;
    }

    /**
     * One call.
     *
     * @param tool      what to call
     * @param arguments the arguments (a JSON object), already validated against the tool's schema
     * @param identity  the verified caller (null only outside the gateway, e.g. in tests)
     * @param requestId the gateway request id, forwarded as {@code X-Request-Id}
     * @param extraHeaders headers layers asked to add (a policy's "add header"); the invoker never lets them replace
     *                     the identity or authentication headers
     */
    record ToolCall(ToolDefinition tool, JsonNode arguments, Identity identity, String requestId,
                    java.util.Map<String, String> extraHeaders) {
        public ToolCall {
            extraHeaders = extraHeaders == null ? java.util.Map.of() : java.util.Map.copyOf(extraHeaders);
        }

        public ToolCall(ToolDefinition tool, JsonNode arguments, Identity identity, String requestId) {
            this(tool, arguments, identity, requestId, java.util.Map.of());
        }
    }

    /**
     * What the backend answered.
     *
     * @param status      the HTTP status
     * @param contentType the response's Content-Type, or null
     * @param body        the body bytes (empty when none)
     */
    record BackendResponse(int status, String contentType, byte[] body) {
        public BackendResponse {
            body = body == null ? new byte[0] : body;
        }
    }
}
