package io.gatewaystack.server.http;

import io.gatewaystack.core.BearerChallenge;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the contract's error answer: {@code {"error", "error_description", ...details}} with
 * {@code X-Request-Id} (set when the exchange began) and, for authentication and scope errors, a
 * {@code WWW-Authenticate: Bearer} challenge (RFC 6750) whose {@code resource_metadata} points clients to the
 * protected resource metadata (RFC 9728, MCP authorization) so they can start the OAuth flow on their own.
 */
public final class ErrorResponder {

    /** Turns an error into the response body: the contract's shape by default, an SDK's shape on LLM routes. */
    @FunctionalInterface
    public interface BodyShape {
        /** @param context the request's context (null when the error came before one existed) */
        Object body(GatewayError error, RequestContext context);
    }

    private final PublicUrls publicUrls;
    private final BodyShape shape;

    public ErrorResponder(PublicUrls publicUrls) {
        this(publicUrls, ErrorResponder::contractBody);
    }

    private ErrorResponder(PublicUrls publicUrls, BodyShape shape) {
        this.publicUrls = publicUrls;
        this.shape = shape;
    }

    /** The same responder writing bodies in another shape (status, headers and challenges unchanged). */
    public ErrorResponder withBodyShape(BodyShape newShape) {
        return new ErrorResponder(publicUrls, newShape);
    }

    /** {@code {"error":code,"error_description":description, ...details}}. */
    public static Object contractBody(GatewayError error, RequestContext context) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.code().code());
        body.put("error_description", error.description());
        body.putAll(error.details());
        return body;
    }

    /** Answers with the error; when no layer rejected the request, records it as the exchange's failure. */
    public void send(HttpServerRequest request, RequestContext context, GatewayError error) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.closed()) {
            return;
        }
        if (context != null && context.rejection() == null) {
            context.failure(error);
        }
        if (response.headWritten()) {
            // Too late for a status: the client sees a broken stream rather than a truncated success.
            response.reset();
            return;
        }
        response.setStatusCode(error.status());
        response.putHeader("Content-Type", "application/json");
        response.putHeader("Cache-Control", "no-store");
        if (error.code().isAuthChallenge()) {
            response.putHeader("WWW-Authenticate", challenge(request, error));
        }
        Object retryAfter = error.details().get("retry_after");
        if (retryAfter instanceof Number seconds) {
            response.putHeader("Retry-After", Long.toString(seconds.longValue()));
        }
        response.end(JsonBodies.encode(shape.body(error, context)));
    }

    /** The URL of the protected resource metadata that applies to this request's path. */
    public String resourceMetadataUrl(HttpServerRequest request) {
        String base = publicUrls.baseUrl(request);
        String path = request.path();
        boolean mcp = path != null && (path.equals("/mcp") || path.startsWith("/mcp/"));
        return base + "/.well-known/oauth-protected-resource" + (mcp ? "/mcp" : "");
    }

    String challenge(HttpServerRequest request, GatewayError error) {
        return BearerChallenge.of(resourceMetadataUrl(request), null, error);
    }
}
