package io.gatewaystack.server.mcp;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.identity.BearerToken;
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
import io.gatewaystack.transform.ResponseGuard;
import io.gatewaystack.transform.TransformLayer;
import io.gatewaystack.transform.json.BodyShape;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP endpoint ({@code /mcp}, Streamable HTTP) as a terminal: {@code POST} runs {@link McpServer#post},
 * {@code GET} and {@code DELETE} answer 405 (no server-initiated stream; stateless sessions cannot be revoked —
 * they expire). Needs {@code ReadBody} (and {@code McpResource}) earlier in the chain.
 *
 * <p>Response format: {@code application/json} — the transport lets the server choose JSON or SSE for every
 * answer, and every answer here is a single JSON-RPC message (or batch). Two exceptions: a client whose Accept
 * names {@code text/event-stream} but not JSON gets the message as one SSE {@code message} event; and an answer
 * that is still being worked on after {@link #STREAM_AFTER_MS} (a slow tool) to a client that accepts SSE becomes
 * an SSE stream with keep-alive comments, so idle timeouts of proxies in between do not cut it. An Accept that
 * allows neither: 406.
 */
public final class McpTerminal implements Terminal {

    /** Default: a tool call still running after this long is answered as an SSE stream (when the client accepts one). */
    public static final long STREAM_AFTER_MS = 2_000;
    /** Default: how often a streamed answer sends an SSE comment while the tool runs. */
    public static final long KEEP_ALIVE_MS = 15_000;

    private final McpServer server;
    private final long streamAfterMs;
    private final long keepAliveMs;
    private final boolean passesCallerToken;

    public McpTerminal(McpServer server) {
        this(server, STREAM_AFTER_MS, KEEP_ALIVE_MS, true);
    }

    /**
     * @param passesCallerToken whether the caller's access token goes with each request to the MCP server: only
     *                          upstreams that exchange it (RFC 8693) use it, and copying a token of a kilobyte out
     *                          of its header on every request is waste without them
     */
    public McpTerminal(McpServer server, boolean passesCallerToken) {
        this(server, STREAM_AFTER_MS, KEEP_ALIVE_MS, passesCallerToken);
    }

    public McpTerminal(McpServer server, long streamAfterMs, long keepAliveMs) {
        this(server, streamAfterMs, keepAliveMs, true);
    }

    private McpTerminal(McpServer server, long streamAfterMs, long keepAliveMs, boolean passesCallerToken) {
        this.server = server;
        this.streamAfterMs = Math.max(1, streamAfterMs);
        this.keepAliveMs = Math.max(1, keepAliveMs);
        this.passesCallerToken = passesCallerToken;
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
        JsonRpc.Parsed parsed = io.gatewaystack.mcp.McpResource.parsed(ctx); // parsed once, unless a layer replaced the body
        McpHttpRequest mcp = new McpHttpRequest(parsed, request.getHeader(McpServer.SESSION_HEADER),
                request.getHeader(McpServer.VERSION_HEADER), request.getHeader("Origin"), ctx.identity(), ctx.requestId(),
                UpstreamHeaders.of(ctx),
                passesCallerToken ? BearerToken.fromAuthorizationHeader(request.getHeader("Authorization")) : null);
        Context eventLoop = Vertx.currentContext();
        java.util.concurrent.CompletableFuture<McpHttpResponse> answer = server.post(mcp).toCompletableFuture();
        SseKeepAlive stream = acceptsSse(accept) && !answer.isDone() && eventLoop != null
                ? new SseKeepAlive(request, eventLoop.owner(), streamAfterMs, keepAliveMs) : null;
        answer.whenComplete((answered, failure) -> {
            McpHttpResponse r = failure != null
                    ? McpHttpResponse.of(500, JsonRpc.error(null, JsonRpc.INTERNAL_ERROR, "Internal error."))
                    : answered;
            Runnable finish = () -> {
                record(ctx, r.toolOutcome());
                inspectResults(ctx, r.body(), request.response());
                if (stream == null || !stream.finish(r)) {
                    write(request, r, format);
                }
            };
            if (eventLoop == null || Vertx.currentContext() == eventLoop) {
                finish.run();
            } else {
                eventLoop.runOnContext(v -> finish.run());
            }
        });
    }

    private static boolean acceptsSse(String accept) {
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/event-stream");
    }

    /**
     * A slow answer (a tool call still running after {@code streamAfterMs}) to a client that accepts SSE becomes
     * an SSE stream: headers go out, then an SSE comment every {@code keepAliveMs} so proxies and load
     * balancers with idle timeouts keep the connection, then the answer as one {@code message} event. Only answers
     * that were not ready at once are streamed, and those are always 200s: every non-200 the MCP server gives is
     * decided before it calls a tool. Runs on the request's event loop.
     */
    private static final class SseKeepAlive {
        private final HttpServerRequest request;
        private final Vertx vertx;
        private final long keepAliveMs;
        private final long startTimer;
        private long keepAliveTimer = -1;
        private boolean streaming;
        private boolean finished;

        SseKeepAlive(HttpServerRequest request, Vertx vertx, long streamAfterMs, long keepAliveMs) {
            this.request = request;
            this.vertx = vertx;
            this.keepAliveMs = keepAliveMs;
            this.startTimer = vertx.setTimer(streamAfterMs, t -> start());
        }

        private void start() {
            HttpServerResponse response = request.response();
            if (finished || response.ended() || response.closed()) {
                return;
            }
            streaming = true;
            response.setStatusCode(200).setChunked(true)
                    .putHeader("Content-Type", "text/event-stream")
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("X-Accel-Buffering", "no");
            response.write(": the tool is still running\n\n");
            keepAliveTimer = vertx.setPeriodic(keepAliveMs, t -> {
                if (response.ended() || response.closed()) {
                    vertx.cancelTimer(t);
                } else {
                    response.write(": keep-alive\n\n");
                }
            });
        }

        /** Ends the stream with the answer; false when no stream was started (the caller writes the answer). */
        boolean finish(McpHttpResponse r) {
            finished = true;
            vertx.cancelTimer(startTimer);
            if (keepAliveTimer >= 0) {
                vertx.cancelTimer(keepAliveTimer);
            }
            if (!streaming) {
                return false;
            }
            HttpServerResponse response = request.response();
            if (!response.ended() && !response.closed()) {
                byte[] json = r.body() == null ? new byte[0] : JsonRpc.MAPPER.writeValueAsBytes(r.body());
                response.end(Buffer.buffer("event: message\ndata: ").appendBytes(json).appendString("\n\n"));
            }
            return true;
        }
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

    /**
     * The transform's response side on tool results: scanned where the route scans responses (a result holding a
     * type the route blocks becomes an {@code isError} result, recorded as {@code content_blocked}), then the
     * request's pseudonyms restored, so the user sees their own values where the tool echoed placeholders.
     */
    static void inspectResults(RequestContext ctx, JsonNode body, HttpServerResponse response) {
        if (body == null) {
            return;
        }
        ResponseGuard guard = TransformLayer.responseGuard(ctx).orElse(null);
        for (JsonNode message : body.isArray() ? body.values() : List.of(body)) {
            if (!(message instanceof ObjectNode m) || !(m.get("result") instanceof ObjectNode)) {
                continue;
            }
            if (guard != null) {
                guard.inspectJson(m, BodyShape.MCP_TOOLS_CALL);
                if (guard.blocked()) {
                    ctx.rejection(guard.blockedError());
                    ObjectNode result = m.putObject("result");
                    result.putArray("content").addObject().put("type", "text").put("text", guard.blockedError().description());
                    result.put("isError", true);
                    continue;
                }
            }
            TransformLayer.restorePseudonyms(ctx, m, BodyShape.MCP_TOOLS_CALL);
        }
        String redacted = guard == null ? null : guard.redactedHeader();
        if (redacted != null && !response.headWritten()) { // a slow answer may already be streaming (SSE)
            response.headers().set(TransformLayer.REDACTED_HEADER, redacted);
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
