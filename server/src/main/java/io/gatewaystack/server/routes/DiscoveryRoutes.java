package io.gatewaystack.server.routes;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.PublicUrls;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The public discovery documents that let OAuth clients (MCP clients, ChatGPT connectors) find out how to get a
 * token for the gateway: the protected resource metadata (RFC 9728) at
 * {@code /.well-known/oauth-protected-resource} (and its {@code /mcp} path-suffixed form), the issuer's metadata
 * relayed, and the gateway's own JWKS for verifying {@code X-Gateway-Identity} assertions.
 */
public final class DiscoveryRoutes {

    private final PublicUrls publicUrls;
    private final List<String> authorizationServers;
    private final List<String> scopesSupported;
    private final IssuerMetadataRelay relay;
    private final ErrorResponder errors;
    private final Buffer gatewayJwks;

    /**
     * @param scopesSupported every scope a client may need: configured, per tool and per route (deduplicated)
     * @param gatewayJwks     the public JWKS of the assertion key, or null when assertions are off
     */
    public DiscoveryRoutes(PublicUrls publicUrls, List<String> authorizationServers, List<String> scopesSupported,
                           IssuerMetadataRelay relay, ErrorResponder errors, String gatewayJwks) {
        this.publicUrls = publicUrls;
        this.authorizationServers = List.copyOf(authorizationServers);
        this.scopesSupported = List.copyOf(scopesSupported);
        this.relay = relay;
        this.errors = errors;
        this.gatewayJwks = gatewayJwks == null ? null : Buffer.buffer(gatewayJwks);
    }

    /** RFC 9728 metadata; {@code resourcePath} is "" for the gateway as a whole or "/mcp" for the MCP endpoint. */
    public Terminal protectedResourceMetadata(String resourcePath) {
        return (request, ctx) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("resource", publicUrls.baseUrl(request) + resourcePath);
            body.put("authorization_servers", authorizationServers);
            body.put("scopes_supported", scopesSupported);
            body.put("bearer_methods_supported", List.of("header"));
            body.put("resource_name", "GatewayStack");
            request.response()
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "public, max-age=300")
                    .end(JsonBodies.encode(body));
        };
    }

    public Terminal issuerMetadata(IssuerMetadataRelay.Document document) {
        return (request, ctx) -> relay.fetch(document).onComplete(ar -> {
            if (ar.succeeded()) {
                request.response()
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "public, max-age=300")
                        .end(ar.result());
            } else {
                errors.send(request, ctx, new GatewayError(ErrorCode.DISCOVERY_FETCH_FAILED,
                        "The identity provider's metadata could not be fetched.", null,
                        Map.of("detail", String.valueOf(ar.cause().getMessage()))));
            }
        });
    }

    public Terminal gatewayJwks() {
        return (request, ctx) -> {
            if (gatewayJwks == null) {
                errors.send(request, ctx, GatewayError.of(ErrorCode.NOT_FOUND, "Identity assertions are turned off."));
                return;
            }
            request.response()
                    .putHeader("Content-Type", "application/jwk-set+json")
                    .putHeader("Cache-Control", "public, max-age=300")
                    .end(gatewayJwks);
        };
    }
}
