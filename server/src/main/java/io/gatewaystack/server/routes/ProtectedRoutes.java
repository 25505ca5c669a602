package io.gatewaystack.server.routes;

import io.gatewaystack.core.Identity;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /protected/ping} (any valid token) and {@code POST /protected/echo} (scope {@code tool:write}):
 * the smallest routes that show a verified identity, useful to check a client's token setup.
 */
public final class ProtectedRoutes {

    public ProtectedRoutes() {
    }

    /** {@code {"ok":true,"sub":...,"org_id":...,"tenant_id":...,"roles":[...],"scopes":[...]}}. */
    public Terminal ping() {
        return (request, ctx) -> {
            Map<String, Object> body = identityFields(ctx.identity());
            request.response().putHeader("Content-Type", "application/json").end(JsonBodies.encode(body));
        };
    }

    /**
     * {@code {"ok":true,"sub":...,"body":<the JSON body>}}. The chain's {@code ReadBody} layer has already read and
     * parsed the body (400 when it is not JSON, 413 when too large).
     */
    public Terminal echo() {
        return (request, ctx) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", true);
            body.put("sub", ctx.identity().subject());
            body.put("body", ctx.body().json());
            request.response().putHeader("Content-Type", "application/json").end(JsonBodies.encode(body));
        };
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
