package io.gatewaystack.server.routes;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.server.http.BodyReader;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /protected/ping} (any valid token) and {@code POST /protected/echo} (scope {@code tool:write}):
 * the smallest routes that show a verified identity, useful to check a client's token setup.
 */
public final class ProtectedRoutes {

    private final ErrorResponder errors;
    private final long maxBodyBytes;

    public ProtectedRoutes(ErrorResponder errors, long maxBodyBytes) {
        this.errors = errors;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** {@code {"ok":true,"sub":...,"org_id":...,"tenant_id":...,"roles":[...],"scopes":[...]}}. */
    public Terminal ping() {
        return (request, ctx) -> {
            Map<String, Object> body = identityFields(ctx.identity());
            request.response().putHeader("Content-Type", "application/json").end(JsonBodies.encode(body));
        };
    }

    /** {@code {"ok":true,"sub":...,"body":<the JSON body>}}; a body that is not JSON is 400. */
    public Terminal echo() {
        return (request, ctx) -> BodyReader.read(request, maxBodyBytes).onComplete(read -> {
            if (read.failed()) {
                bodyFailed(request, ctx, read.cause());
                return;
            }
            JsonNode json = read.result().length() == 0 ? null : JsonBodies.parseOrNull(read.result());
            if (json == null) {
                errors.send(request, ctx, GatewayError.of(ErrorCode.INVALID_REQUEST, "The request body must be valid JSON."));
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", true);
            body.put("sub", ctx.identity().subject());
            body.put("body", json);
            request.response().putHeader("Content-Type", "application/json").end(JsonBodies.encode(body));
        });
    }

    private void bodyFailed(HttpServerRequest request, RequestContext ctx, Throwable cause) {
        if (cause instanceof BodyReader.TooLarge) {
            errors.send(request, ctx, GatewayError.of(ErrorCode.PAYLOAD_TOO_LARGE,
                    "The request body is larger than the limit of " + maxBodyBytes + " bytes."));
            request.connection().close();
        } else {
            errors.send(request, ctx, GatewayError.of(ErrorCode.INVALID_REQUEST, "The request body could not be read."));
        }
    }

    static Map<String, Object> identityFields(Identity id) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("sub", id.subject());
        body.put("issuer", id.issuer());
        body.put("org_id", id.orgId());
        body.put("tenant_id", id.tenantId());
        body.put("roles", id.roles());
        body.put("scopes", id.scopes());
        return body;
    }
}
