package io.gatewaystack.server.mcp;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.mcp.JsonRpc;
import io.gatewaystack.mcp.McpHttpRequest;
import io.gatewaystack.mcp.McpHttpResponse;
import io.gatewaystack.mcp.McpServer;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The MCP endpoint ({@code /mcp}, Streamable HTTP) as a terminal: {@code POST} runs {@link McpServer#post},
 * {@code GET} and {@code DELETE} answer 405 (no server-initiated stream; stateless sessions cannot be revoked —
 * they expire). Needs {@code ReadBody} (and {@code McpResource}) earlier in the chain.
 *
 * <p>Response format: {@code application/json} — the transport lets the server choose JSON or SSE for every
 * answer, and every answer here is a single JSON-RPC message (or batch). A client whose Accept names
 * {@code text/event-stream} but not JSON gets the same message as one SSE {@code message} event. An Accept that
 * allows neither: 406.
 */
public final class McpTerminal implements Terminal {

    private final McpServer server;

    public McpTerminal(McpServer server) {
        this.server = server;
    }

    @Override
    public void handle(HttpServerRequest request, RequestContext ctx) {
        HttpServerResponse response = request.response();
        switch (request.method().name()) {
            case "POST" -> post(request, ctx);
            case "GET", "DELETE" -> {
                if (!server.originAllowed(request.getHeader("Origin"))) {
                    response.setStatusCode(403).end();
                    return;
                }
                McpHttpResponse r = "GET".equals(request.method().name()) ? server.get() : server.delete();
                response.setStatusCode(r.status()).putHeader("Allow", "POST").end();
            }
            default -> response.setStatusCode(405).putHeader("Allow", "POST").end();
        }
    }

    private void post(HttpServerRequest request, RequestContext ctx) {
        String accept = request.getHeader("Accept");
        Format format = format(accept);
        if (format == null) {
            write(request, McpHttpResponse.of(406, JsonRpc.error(null, JsonRpc.INVALID_REQUEST,
                    "Not Acceptable: the client must accept application/json and text/event-stream.")), Format.JSON);
            return;
        }
        RequestBody body = ctx.body();
        JsonRpc.Parsed parsed = body == null ? JsonRpc.parse(new byte[0])
                : body.json() != null ? JsonRpc.parse(body.json()) : JsonRpc.parse(body.raw());
        McpHttpRequest mcp = new McpHttpRequest(parsed, request.getHeader(McpServer.SESSION_HEADER),
                request.getHeader(McpServer.VERSION_HEADER), request.getHeader("Origin"), ctx.identity(), ctx.requestId(),
                UpstreamHeaders.of(ctx));
        Context eventLoop = Vertx.currentContext();
        server.post(mcp).whenComplete((answer, failure) -> {
            McpHttpResponse r = failure != null
                    ? McpHttpResponse.of(500, JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "Internal error."))
                    : answer;
            Runnable finish = () -> {
                record(ctx, r.toolOutcome());
                write(request, r, format);
            };
            if (eventLoop == null || Vertx.currentContext() == eventLoop) {
                finish.run();
            } else {
                eventLoop.runOnContext(v -> finish.run());
            }
        });
    }

    private enum Format { JSON, SSE }

    /**
     * Makes a failed tool call visible to the audit trail although the client gets HTTP 200 with an
     * {@code isError} result: a backend refusal (401/403, e.g. the CRM's cross-user read) is recorded as the
     * exchange's rejection ({@code policy_denied}, decision {@code deny}); other failures as its failure
     * ({@code upstream_error} / {@code upstream_timeout}).
     */
    static void record(RequestContext ctx, McpHttpResponse.ToolOutcome outcome) {
        if (outcome == null || ctx.rejection() != null) {
            return;
        }
        switch (outcome) {
            case DENIED -> ctx.rejection(GatewayError.of(ErrorCode.POLICY_DENIED, "The tool's backend denied the call."));
            case TIMEOUT -> ctx.failure(GatewayError.of(ErrorCode.UPSTREAM_TIMEOUT, "The tool's backend did not answer in time."));
            case FAILED -> ctx.failure(GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The tool's backend failed."));
        }
    }

    /** JSON unless the client accepts only the event stream; null when it accepts neither. */
    static Format format(String accept) {
        if (accept == null || accept.isBlank()) {
            return Format.JSON;
        }
        String a = accept.toLowerCase(Locale.ROOT);
        if (a.contains("application/json") || a.contains("*/*") || a.contains("application/*")) {
            return Format.JSON;
        }
        return a.contains("text/event-stream") ? Format.SSE : null;
    }

    private static void write(HttpServerRequest request, McpHttpResponse r, Format format) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(r.status());
        for (Map.Entry<String, String> h : r.headers().entrySet()) {
            response.putHeader(h.getKey(), h.getValue());
        }
        JsonNode body = r.body();
        if (body == null) {
            response.end();
            return;
        }
        byte[] json = JsonRpc.MAPPER.writeValueAsBytes(body);
        response.putHeader("Cache-Control", "no-store");
        if (format == Format.SSE && r.status() == 200) {
            response.putHeader("Content-Type", "text/event-stream");
            response.end(Buffer.buffer("event: message\ndata: ").appendBytes(json).appendString("\n\n"));
        } else {
            response.putHeader("Content-Type", "application/json");
            response.end(Buffer.buffer(json));
        }
    }
}
