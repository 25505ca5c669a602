package io.gatewaystack.server.mcp;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.McpResource;
import io.gatewaystack.server.http.ErrorResponder;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders the gateway's errors on the MCP route as JSON-RPC error responses; the HTTP status and the
 * {@code WWW-Authenticate} challenge stay as {@link ErrorResponder} writes them (so a 401 still starts the
 * client's OAuth flow, and a 403 {@code insufficient_scope} its step-up).
 *
 * <p>Codes: the {@code jsonrpc_code} detail when a layer set one ({@link McpResource}); else 401, 403 and 429 →
 * -32001 (the gateway's "denied"), 400 → -32700 for a body that is not JSON and -32600 otherwise, 404/405/413 →
 * -32600, 5xx → -32603. {@code data} carries the contract's {@code error}, {@code error_description} and details
 * (e.g. {@code required_scopes}, {@code retry_after}). The id is the {@code jsonrpc_id} detail, else null.
 *
 * <p>Layers after {@link McpResource} (policy, limits) do not know the JSON-RPC id; {@link #body(GatewayError,
 * RequestContext)} reads it from the context ({@link McpResource#JSONRPC_ID}) — usable once
 * {@code ErrorResponder.BodyShape} receives the context. Until then those errors carry {@code "id": null}, which
 * MCP clients treat as a failed HTTP request (they read the status first).
 */
public final class McpErrorShape implements ErrorResponder.BodyShape {

    /** ReadBody's description for a body that is not JSON (mapped to -32700). */
    static final String NOT_JSON = "The request body must be valid JSON.";

    /** The body, with the JSON-RPC id {@code McpResource} stored in the context (null before it ran). */
    @Override
    public ObjectNode body(GatewayError error, RequestContext ctx) {
        Object id = ctx == null ? null : ctx.attributes().get(McpResource.JSONRPC_ID);
        return body(error, id instanceof JsonNode node ? node : null);
    }

    static ObjectNode body(GatewayError error, JsonNode contextId) {
        Map<String, Object> details = new LinkedHashMap<>(error.details());
        Object code = details.remove(McpResource.DETAIL_CODE);
        Object id = details.remove(McpResource.DETAIL_ID);
        JsonNode idNode = id instanceof JsonNode n ? n : contextId != null ? contextId : NullNode.getInstance();
        int rpcCode = code instanceof Integer c ? c : codeFor(error);
        ObjectNode data = JsonRpc.MAPPER.createObjectNode();
        data.put("error", error.code().code());
        data.put("error_description", error.description());
        details.forEach((k, v) -> data.set(k, JsonRpc.MAPPER.valueToTree(v)));
        return JsonRpc.error(idNode, new JsonRpc.Error(rpcCode, error.description(), data));
    }

    static int codeFor(GatewayError error) {
        int status = error.status();
        if (status == 401 || status == 403 || status == 429) {
            return JsonRpc.GATEWAY_DENIED;
        }
        if (error.code() == ErrorCode.INVALID_REQUEST && NOT_JSON.equals(error.description())) {
            return JsonRpc.PARSE_ERROR;
        }
        if (status >= 500) {
            return JsonRpc.INTERNAL_ERROR;
        }
        return JsonRpc.INVALID_REQUEST;
    }
}
