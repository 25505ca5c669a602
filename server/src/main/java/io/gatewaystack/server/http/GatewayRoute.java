package io.gatewaystack.server.http;

import io.gatewaystack.core.RequestIds;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.HeaderField;
import io.gatewaystack.core.Pipeline;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts one route to Vert.x: builds the {@link RequestContext}, runs the route's {@link Pipeline} of layers,
 * then hands the request to its {@link Terminal} or writes the rejection; when the exchange ends (sent, failed
 * or the client went away) it runs the pipeline's completion phase exactly once.
 *
 * <p>Layers may finish on another thread (a JWKS fetch on a worker): the continuation hops back to the request's
 * event loop, so terminals and response writes always run there.
 */
public final class GatewayRoute implements Handler<RoutingContext> {

    private static final Logger log = LoggerFactory.getLogger(GatewayRoute.class);

    private final String name;
    private final Pipeline pipeline;
    private final Terminal terminal;
    private final ErrorResponder errors;
    private final RequestIds requestIds;
    private final boolean bodyReadable;
    private boolean apiKeyAsBearer;

    /**
     * @param bodyReadable whether the route's layers may read the body (a {@code ReadBody} layer in its chain);
     *                     otherwise the body stays unread for the terminal to stream
     */
    public GatewayRoute(String name, Pipeline pipeline, Terminal terminal, ErrorResponder errors, RequestIds requestIds,
                        boolean bodyReadable) {
        this.bodyReadable = bodyReadable;
        this.name = name;
        this.pipeline = pipeline;
        this.terminal = terminal;
        this.errors = errors;
        this.requestIds = requestIds;
    }

    @Override
    public void handle(RoutingContext routingContext) {
        handle(routingContext.request());
    }

    /**
     * Lets SDKs that only send API keys authenticate: on this route an {@code x-api-key} header is read as the
     * bearer token when there is no {@code Authorization} header (it still goes through the identity layer).
     */
    public GatewayRoute acceptApiKeyHeader() {
        this.apiKeyAsBearer = true;
        return this;
    }

    /** The same, for a request dispatched without the router (the proxy's fast path). */
    public void handle(HttpServerRequest request) {
        request.pause(); // keep the body until a terminal wants it; layers may take a while
        String requestId = requestIds.idFor(request.getHeader("X-Request-Id"));
        RequestContext ctx = RequestContext.builder()
                .requestId(requestId)
                .method(request.method().name())
                .path(request.path())
                .query(request.query())
                .remoteAddress(request.remoteAddress() == null ? null : request.remoteAddress().hostAddress())
                .headers(apiKeyAsBearer ? name -> headerOrApiKey(request, name) : request::getHeader)
                .routeName(name)
                .build();
        if (bodyReadable) {
            ctx.bodySource(BodyReader.sourceOf(request));
        }
        HttpServerResponse response = request.response();
        response.putHeader("X-Request-Id", requestId);
        Completion completion = new Completion(ctx, response);
        response.endHandler(completion);
        response.closeHandler(completion);

        Context eventLoop = Vertx.currentContext();
        pipeline.run(ctx, verdict -> {
            if (Vertx.currentContext() == eventLoop) {
                afterLayers(request, ctx, verdict);
            } else {
                eventLoop.runOnContext(v -> afterLayers(request, ctx, verdict));
            }
        });
    }

    private static String headerOrApiKey(HttpServerRequest request, String name) {
        String value = request.getHeader(name);
        if (value == null && "Authorization".equalsIgnoreCase(name)) {
            String apiKey = request.getHeader("x-api-key");
            return apiKey == null || apiKey.isBlank() ? null : "Bearer " + apiKey.trim();
        }
        return value;
    }

    private void afterLayers(HttpServerRequest request, RequestContext ctx, Verdict verdict) {
        HttpServerResponse response = request.response();
        for (HeaderField h : ctx.responseHeaders()) {
            response.headers().add(h.name(), h.value());
        }
        if (verdict.isRejected()) {
            errors.send(request, ctx, verdict.rejection());
            return;
        }
        try {
            terminal.handle(request, ctx);
        } catch (RuntimeException e) {
            log.error("route {} failed", name, e);
            errors.send(request, ctx, GatewayError.of(ErrorCode.INTERNAL_ERROR,
                    "The gateway could not process the request."));
        }
    }

    /** Runs the completion phase once, whichever of "response ended" and "connection closed" comes first. */
    private final class Completion implements Handler<Void> {
        private final RequestContext ctx;
        private final HttpServerResponse response;
        private boolean done;

        Completion(RequestContext ctx, HttpServerResponse response) {
            this.ctx = ctx;
            this.response = response;
        }

        @Override
        public void handle(Void ignored) {
            if (done) {
                return;
            }
            done = true;
            int status = response.ended() ? response.getStatusCode() : 499; // 499: client closed first
            String error = ctx.rejection() != null ? ctx.rejection().code().code()
                    : ctx.failure() != null ? ctx.failure().code().code()
                    : status == 499 ? "client_closed" : null;
            ctx.complete(status, error);
            pipeline.complete(ctx);
        }
    }
}
