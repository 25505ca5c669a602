package io.gatewaystack.server.mcp;

import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.RestTools;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.ToolRegistry;
import io.gatewaystack.mcp.ToolResource;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.Terminal;
import io.gatewaystack.transform.ResponseGuard;
import io.gatewaystack.transform.TransformLayer;
import io.gatewaystack.transform.json.BodyShape;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * The REST tool gateway, {@code POST /tools/{name}} (seed parity): the JSON body is the tool's arguments; the
 * answer is {@link RestTools}' envelope. Needs identity, {@link ToolResource} (404 / 403 and the TOOL resource) and
 * {@code ReadBody} (JSON) earlier in the chain.
 */
public final class RestToolTerminal implements Terminal {

    private final ToolRegistry registry;
    private final ToolResource resource;
    private final RestTools tools;
    private final ErrorResponder errors;

    public RestToolTerminal(ToolRegistry registry, ToolResource resource, RestTools tools, ErrorResponder errors) {
        this.registry = registry;
        this.resource = resource;
        this.tools = tools;
        this.errors = errors;
    }

    @Override
    public void handle(HttpServerRequest request, RequestContext ctx) {
        ToolDefinition tool = registry.get(resource.toolName(request.path()));
        if (tool == null) {
            errors.send(request, ctx, GatewayError.of(ErrorCode.NOT_FOUND, "Unknown tool."));
            return;
        }
        RequestBody body = ctx.body();
        Context eventLoop = Vertx.currentContext();
        tools.call(tool, body == null ? null : body.json(), ctx.identity(), ctx.requestId(), UpstreamHeaders.of(ctx))
                .whenComplete((r, failure) -> {
            Runnable write = () -> {
                HttpServerResponse response = request.response();
                if (response.ended() || response.closed()) {
                    return;
                }
                if (failure != null) {
                    errors.send(request, ctx, GatewayError.of(ErrorCode.INTERNAL_ERROR, "The gateway could not call the tool."));
                    return;
                }
                // the result is scanned where the route scans responses, then the request's pseudonyms restored
                ResponseGuard guard = TransformLayer.responseGuard(ctx).orElse(null);
                if (guard != null && r.body() != null) {
                    guard.inspectJson(r.body(), BodyShape.ANY_JSON);
                    if (guard.blocked()) {
                        ctx.rejection(guard.blockedError());
                        errors.send(request, ctx, guard.blockedError());
                        return;
                    }
                    String redacted = guard.redactedHeader();
                    if (redacted != null) {
                        response.headers().set(TransformLayer.REDACTED_HEADER, redacted);
                    }
                }
                TransformLayer.restorePseudonyms(ctx, r.body(), BodyShape.ANY_JSON);
                response.setStatusCode(r.status()).putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store")
                        .end(Buffer.buffer(JsonRpc.MAPPER.writeValueAsBytes(r.body())));
            };
            if (eventLoop == null || Vertx.currentContext() == eventLoop) {
                write.run();
            } else {
                eventLoop.runOnContext(v -> write.run());
            }
        });
    }
}
