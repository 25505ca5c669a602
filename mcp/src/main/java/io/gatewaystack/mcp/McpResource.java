package io.gatewaystack.mcp;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The MCP route's resource layer: reads the JSON-RPC body (after {@code ReadBody}) and, for a {@code tools/call},
 * sets {@code ctx.resource(TOOL, name)} so the policy and limits layers after it decide per tool. It also rejects
 * early what must not reach them:
 * <ul>
 *   <li>a body that is not JSON-RPC (400, rendered as -32700 or -32600 by the MCP error shape);</li>
 *   <li>a batch with more than one {@code tools/call} (400 -32600): policy and limits judge one tool per request;</li>
 *   <li>a call to a known tool whose scopes the token lacks: 403 {@code insufficient_scope} with the tool's scopes
 *       in the {@code WWW-Authenticate} challenge, as the MCP authorization spec's step-up flow expects.</li>
 * </ul>
 * The JSON-RPC id of a single request is kept in {@link #JSONRPC_ID} (attribute) and in rejections' details
 * ({@link #DETAIL_ID}), so the error shape can answer with the right id. Unknown tools pass (the MCP server answers
 * -32602). Other methods (initialize, tools/list, ping) keep the route's resource.
 */
public final class McpResource implements Layer {

    /** Context attribute: the JSON-RPC id of a single request (a JsonNode), when there is one. */
    public static final String JSONRPC_ID = "mcp.jsonrpc_id";
    /** GatewayError detail carrying the JSON-RPC id (the MCP error shape moves it to the top-level id). */
    public static final String DETAIL_ID = "jsonrpc_id";
    /** GatewayError detail carrying the JSON-RPC error code to answer with. */
    public static final String DETAIL_CODE = "jsonrpc_code";

    /** Context attribute: the body as parsed here ({@link ParsedBody}), reused by the terminal while the body is the same. */
    static final String PARSED = "mcp.parsed";

    /**
     * A parse of one body: valid while {@code ctx.body()} is this very object, holds the same JSON tree, and no layer
     * has changed it since (a transform replaces or rewrites the JSON and marks the body modified).
     */
    record ParsedBody(RequestBody source, JsonNode json, boolean modified, JsonRpc.Parsed parsed) {
        boolean stillFor(RequestBody body) {
            return source == body && (body == null || body.json() == json && body.isModified() == modified);
        }
    }

    /** The request body as JSON-RPC: parsed once per body object, whoever asks first. */
    public static JsonRpc.Parsed parsed(RequestContext ctx) {
        RequestBody body = ctx.body();
        if (ctx.attributes().get(PARSED) instanceof ParsedBody cached && cached.stillFor(body)) {
            return cached.parsed();
        }
        JsonRpc.Parsed parsed = body == null ? JsonRpc.parse(new byte[0])
                : body.json() != null ? JsonRpc.parse(body.json()) : JsonRpc.parse(body.raw());
        ctx.attributes().put(PARSED, new ParsedBody(body, body == null ? null : body.json(),
                body != null && body.isModified(), parsed));
        return parsed;
    }

    private final ToolRegistry registry;
    private final io.gatewaystack.mcp.federation.Federation federation;

    public McpResource(ToolRegistry registry) {
        this(registry, null);
    }

    /** @param federation upstream MCP servers, whose scopes are checked here like the registry's tools'; or null */
    public McpResource(ToolRegistry registry, io.gatewaystack.mcp.federation.Federation federation) {
        this.registry = registry;
        this.federation = federation;
    }

    @Override
    public String name() {
        return "mcp-resource";
    }

    @Override
    public Verdict onRequest(RequestContext ctx) {
        if (!"POST".equals(ctx.method())) {
            return Verdict.proceed();
        }
        JsonRpc.Parsed parsed = parsed(ctx);
        if (parsed.isParseError()) {
            return reject(ErrorCode.INVALID_REQUEST, parsed.parseError(), null);
        }
        List<JsonRpc.Entry> entries = parsed.entries();
        if (!parsed.batch()) {
            JsonRpc.Entry only = entries.getFirst();
            if (!only.isValid()) {
                return reject(ErrorCode.INVALID_REQUEST, only.error(), only.errorId());
            }
            if (only.message().isRequest()) {
                ctx.attributes().put(JSONRPC_ID, only.message().id());
            }
        }
        JsonRpc.Message call = null;
        for (JsonRpc.Entry e : entries) {
            if (e.isValid() && e.message().isRequest() && "tools/call".equals(e.message().method())) {
                if (call != null) {
                    return reject(ErrorCode.INVALID_REQUEST, new JsonRpc.Error(JsonRpc.INVALID_REQUEST,
                            "Invalid Request: a batch may contain at most one tools/call."), null);
                }
                call = e.message();
            }
        }
        if (call == null || call.params() == null || !call.params().isObject()) {
            return Verdict.proceed();
        }
        JsonNode name = call.params().get("name");
        if (name == null || !name.isString()) {
            return Verdict.proceed(); // the MCP server answers -32602
        }
        ctx.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, name.asString()));
        ToolDefinition tool = registry.get(name.asString());
        List<String> required = tool != null ? tool.requiredScopes()
                : federation != null ? federation.scopesFor(name.asString()) : null;
        if (required != null && !required.isEmpty()
                && (ctx.identity() == null || !ctx.identity().hasAllScopes(required))) {
            GatewayError scope = GatewayError.insufficientScope(required);
            Map<String, Object> details = new LinkedHashMap<>(scope.details());
            details.put(DETAIL_CODE, JsonRpc.GATEWAY_DENIED);
            if (!parsed.batch()) {
                details.put(DETAIL_ID, call.id());
            }
            return Verdict.reject(new GatewayError(scope.code(),
                    "The access token lacks a scope tool '" + name.asString() + "' requires.", scope.scope(), details));
        }
        return Verdict.proceed();
    }

    private static Verdict reject(ErrorCode code, JsonRpc.Error error, JsonNode id) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(DETAIL_CODE, error.code());
        if (id != null && !id.isNull()) {
            details.put(DETAIL_ID, id);
        }
        return Verdict.reject(new GatewayError(code, error.message(), null, details));
    }
}
