package io.gatewaystack.server.routes;

import io.gatewaystack.core.BodySource;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.HeaderField;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.proxy.ForwardedHeaders;
import io.gatewaystack.proxy.IdentityHeaders;
import io.gatewaystack.proxy.IdentityInjection;
import io.gatewaystack.proxy.ProxyConfig;
import io.gatewaystack.proxy.UpstreamPath;
import io.gatewaystack.transform.ResponseGuard;
import io.gatewaystack.transform.TransformLayer;
import io.gatewaystack.server.http.BodyReader;
import io.gatewaystack.server.http.BoundedReadStream;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.PublicUrls;
import io.gatewaystack.server.http.RestoringText;
import io.gatewaystack.server.http.Terminal;
import io.gatewaystack.server.http.UpstreamFailures;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.Pipe;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code ANY /proxy/**}: forwards the request to {@code PROXY_TARGET} with the verified identity injected.
 *
 * <p>Method, path (under the target's base path), query, body, status and headers are relayed; bodies stream in
 * both directions with back-pressure, never buffered whole. Client-supplied identity headers, hop-by-hop
 * headers and {@code Authorization} are removed ({@link ForwardedHeaders}); the gateway's identity headers and
 * signed assertion are added ({@link IdentityInjection}). Upstream silence past the response timeout gives 504
 * {@code upstream_timeout}; a refused or broken connection gives 502 {@code upstream_error}.
 */
public final class ReverseProxy implements Terminal {

    private final String prefix;
    private final ProxyConfig config;
    private final HttpClient client;
    private final UpstreamPath upstreamPath;
    private final ForwardedHeaders forwardedHeaders;
    private final IdentityInjection injection;
    private final ErrorResponder errors;
    private final PublicUrls publicUrls;
    private final long maxBodyBytes;
    private final RoutingDecision routing;
    private final String injectHeaderLower;

    public ReverseProxy(String prefix, ProxyConfig config, HttpClient client, IdentityInjection injection,
                        ErrorResponder errors, PublicUrls publicUrls, long maxBodyBytes) {
        this.prefix = prefix;
        this.config = config;
        this.client = client;
        this.upstreamPath = new UpstreamPath(config.target().getRawPath(), config.injectQuery());
        this.forwardedHeaders = new ForwardedHeaders(config.forwardBearer(), config.forwardCookies(), config.injectHeader());
        this.injection = injection;
        this.errors = errors;
        this.publicUrls = publicUrls;
        this.maxBodyBytes = maxBodyBytes;
        this.routing = new RoutingDecision("proxy", config.target().toString(), null);
        this.injectHeaderLower = config.injectHeader().toLowerCase(Locale.ROOT);
    }

    @Override
    public void handle(HttpServerRequest request, RequestContext ctx) {
        String path = request.path();
        String tail = path.length() > prefix.length() ? path.substring(prefix.length()) : "";
        UpstreamPath.Result target = upstreamPath.resolve(tail, request.query(), ctx.identity().subject());
        if (!target.ok()) {
            errors.send(request, ctx, GatewayError.of(ErrorCode.INVALID_REQUEST, target.problem()));
            return;
        }
        ctx.routingDecision(routing);
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(config.target().getHost())
                .setPort(config.targetPort())
                .setSsl(config.targetIsTls())
                .setURI(target.pathAndQuery())
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(config.responseTimeout().toMillis())
                .setFollowRedirects(false);

        client.request(options).onComplete(connected -> {
            if (connected.failed()) {
                upstreamFailed(request, ctx, connected.cause());
                return;
            }
            HttpClientRequest upstream = connected.result();
            addUpstreamHeaders(request, ctx, upstream.headers());
            Future<HttpClientResponse> answered;
            if (ctx.body() != null) {
                // The layers read the body (and may have changed it): forward what they left.
                byte[] bytes = ctx.body().bytesToForward();
                upstream.headers().set("Content-Length", Integer.toString(bytes.length));
                answered = upstream.send(Buffer.buffer(bytes));
            } else if (hasBody(request)) {
                if (request.getHeader("Content-Length") == null) {
                    upstream.setChunked(true);
                }
                // Piped by hand so that a body over the limit resets the upstream request instead of ending it
                // normally (a plain send(stream) would deliver a silently truncated body).
                Pipe<Buffer> pipe = new BoundedReadStream(request, maxBodyBytes).pipe().endOnFailure(false);
                pipe.to(upstream).onFailure(e -> {
                    upstreamFailed(request, ctx, e); // answer first: the reset also fails the response future
                    upstream.reset();
                });
                answered = upstream.response();
            } else {
                request.resume();
                answered = upstream.send();
            }
            answered.onComplete(result -> {
                if (result.failed()) {
                    upstream.reset();
                    upstreamFailed(request, ctx, result.cause());
                } else {
                    relayResponse(request, ctx, result.result());
                }
            });
        });
    }

    private void addUpstreamHeaders(HttpServerRequest request, RequestContext ctx, MultiMap out) {
        boolean trusted = publicUrls.isFromTrustedProxy(request);
        Set<String> connectionTokens = ForwardedHeaders.connectionTokens(request.getHeader("Connection"));
        for (Map.Entry<String, String> h : request.headers()) {
            if (forwardedHeaders.forwardRequestHeader(h.getKey().toLowerCase(Locale.ROOT), connectionTokens, trusted)) {
                out.add(h.getKey(), h.getValue());
            }
        }
        for (HeaderField h : ctx.upstreamHeaders()) {
            // added by layers (e.g. a policy effect); never allowed to stand in for an identity header
            if (!IdentityHeaders.isReserved(h.name().toLowerCase(Locale.ROOT), injectHeaderLower)) {
                out.add(h.name(), h.value());
            }
        }
        for (IdentityHeaders.Header h : injection.headersFor(ctx.identity())) {
            out.set(h.name(), h.value());
        }
        out.set(IdentityHeaders.REQUEST_ID, ctx.requestId());
        String peer = ctx.remoteAddress();
        if (peer != null) {
            String prior = trusted ? request.getHeader("X-Forwarded-For") : null;
            out.set("X-Forwarded-For", prior == null || prior.isBlank() ? peer : prior + ", " + peer);
        }
        if (!trusted || request.getHeader("X-Forwarded-Proto") == null) {
            out.set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
        }
        if ((!trusted || request.getHeader("X-Forwarded-Host") == null) && request.authority() != null) {
            out.set("X-Forwarded-Host", request.authority().toString());
        }
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        if (length != null) {
            return !length.trim().equals("0");
        }
        return request.getHeader("Transfer-Encoding") != null;
    }

    private void relayResponse(HttpServerRequest request, RequestContext ctx, HttpClientResponse upstream) {
        HttpServerResponse response = request.response();
        if (response.closed()) {
            upstream.exceptionHandler(ignored -> { }); // the reset below is ours: nothing to report
            upstream.request().reset();
            return;
        }
        response.setStatusCode(upstream.statusCode());
        if (upstream.statusMessage() != null) {
            response.setStatusMessage(upstream.statusMessage());
        }
        Set<String> connectionTokens = ForwardedHeaders.connectionTokens(upstream.getHeader("Connection"));
        for (Map.Entry<String, String> h : upstream.headers()) {
            if (forwardedHeaders.forwardResponseHeader(h.getKey().toLowerCase(Locale.ROOT), connectionTokens)) {
                response.headers().add(h.getKey(), h.getValue());
            }
        }
        RestoringText restoring = restorerFor(ctx, upstream.getHeader("Content-Type"));
        if (restoring != null) {
            response.headers().remove("Content-Length"); // restored values change the length
        }
        if (response.headers().get("Content-Length") == null && !"HEAD".equals(request.method().name())) {
            response.setChunked(true);
        }
        relayBody(request, ctx, upstream, response, restoring);
    }

    /**
     * When the transform layer pseudonymised the request, the textual response gets the original values back
     * (JSON-escaped inside JSON and SSE bodies).
     */
    private static RestoringText restorerFor(RequestContext ctx, String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        boolean json = type.contains("json") || type.contains("event-stream");
        if (!json && !type.startsWith("text/")) {
            return null; // binary bodies pass as they are
        }
        var pseudonyms = TransformLayer.pseudonyms(ctx);
        var guard = TransformLayer.responseGuard(ctx);
        if (pseudonyms.isEmpty() && guard.isEmpty()) {
            return null;
        }
        // the route's response scan (raw text: JSON, SSE or plain) runs before the pseudonyms are restored
        return new RestoringText(guard.map(g -> g.stream()).orElse(null),
                pseudonyms.map(p -> json ? p.jsonRestorer() : p.restorer()).orElse(null));
    }

    /**
     * Streams the upstream body to the client with back-pressure. Written by hand rather than with a pipe so a
     * client that goes away mid-response stops the upstream cleanly (a pipe would keep writing into the closed
     * response), and an upstream that breaks mid-response resets the client's stream rather than ending it as
     * if complete.
     */
    private void relayBody(HttpServerRequest request, RequestContext ctx, HttpClientResponse upstream,
                           HttpServerResponse response, RestoringText restoring) {
        upstream.handler(chunk -> {
            if (response.closed() || response.ended()) {
                upstream.handler(null);
                upstream.request().reset();
                return;
            }
            Buffer out = restoring == null ? chunk : restoring.push(chunk);
            if (restoring != null && restoring.blocked()) {
                upstream.handler(null);
                upstream.exceptionHandler(ignored -> { });
                upstream.request().reset();
                endBlocked(request, ctx, response, out);
                return;
            }
            if (out.length() > 0) {
                response.write(out);
            }
            if (response.writeQueueFull()) {
                upstream.pause();
                response.drainHandler(v -> upstream.resume());
            }
        });
        upstream.exceptionHandler(e -> {
            if (!response.ended() && !response.closed()) {
                response.reset();
            }
        });
        upstream.endHandler(v -> {
            if (!response.ended() && !response.closed()) {
                if (restoring == null) {
                    response.end();
                    return;
                }
                Buffer tail = restoring.finish();
                TransformLayer.responseGuard(ctx).ifPresent(ResponseGuard::record);
                if (restoring.blocked()) {
                    endBlocked(request, ctx, response, tail);
                    return;
                }
                // a body that fit in the scan's hold-back is still unsent: its header can count the answer too
                String redacted = response.headWritten() ? null
                        : TransformLayer.responseGuard(ctx).map(g -> g.redactedHeader()).orElse(null);
                if (redacted != null) {
                    response.headers().set(TransformLayer.REDACTED_HEADER, redacted);
                }
                response.end(tail);
            }
        });
    }

    /**
     * The response scan found a type this route blocks. Nothing of the finding was sent (it was in the held-back
     * tail). When nothing at all was sent yet the client gets 403 {@code content_blocked}; otherwise the scanned
     * part goes out and the stream is reset, so the body cannot be taken for complete.
     */
    private void endBlocked(HttpServerRequest request, RequestContext ctx, HttpServerResponse response, Buffer scanned) {
        ResponseGuard guard = TransformLayer.responseGuard(ctx).orElseThrow();
        guard.record();
        var error = guard.blockedError();
        ctx.rejection(error);
        if (!response.headWritten()) {
            response.headers().clear();
            errors.send(request, ctx, error);
            return;
        }
        if (scanned.length() > 0) {
            response.write(scanned);
        }
        response.reset();
    }

    private void upstreamFailed(HttpServerRequest request, RequestContext ctx, Throwable cause) {
        GatewayError error;
        if (cause instanceof BodySource.TooLarge) {
            error = GatewayError.of(ErrorCode.PAYLOAD_TOO_LARGE,
                    "The request body is larger than the limit of " + maxBodyBytes + " bytes.");
        } else if (UpstreamFailures.causedByTimeout(cause)) {
            error = GatewayError.of(ErrorCode.UPSTREAM_TIMEOUT, "The upstream service did not answer in time.");
        } else {
            error = GatewayError.of(ErrorCode.UPSTREAM_ERROR, "The upstream service could not be reached.");
        }
        errors.send(request, ctx, error);
        if (cause instanceof BodySource.TooLarge) {
            request.connection().close(); // the rest of an oversized body is not worth reading
        }
    }
}
