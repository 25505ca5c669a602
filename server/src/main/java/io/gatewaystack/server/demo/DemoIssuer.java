package io.gatewaystack.server.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gatewaystack.server.http.BodyReader;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * The demo mode's token issuer: an RS256 key made at start, its JWKS and discovery document, and an open
 * {@code POST /mint} that signs whatever identity you ask for. That openness is the point of a demo and the
 * reason it binds only to the loopback interface and never runs outside demo mode.
 */
public final class DemoIssuer {

    public static final String AUDIENCE = "https://gateway.local/api";

    private final RSAKey key;
    private final RSASSASigner signer;
    private final String issuer;
    private final int port;
    private final List<HttpServer> servers = new ArrayList<>();

    private DemoIssuer(RSAKey key, String issuer, int port) throws JOSEException {
        this.key = key;
        this.signer = new RSASSASigner(key);
        this.issuer = issuer;
        this.port = port;
    }

    /** Starts on 127.0.0.1 (and ::1 when available) at {@code port}; 0 picks a free port. Blocking. */
    public static DemoIssuer start(Vertx vertx, int port) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("demo-key-1").keyUse(KeyUse.SIGNATURE)
                .algorithm(JWSAlgorithm.RS256).generate();
        int actual = port == 0 ? Ports.free() : port;
        DemoIssuer issuer = new DemoIssuer(key, "http://localhost:" + actual + "/", actual);
        issuer.servers.add(vertx.createHttpServer().requestHandler(issuer::handle).listen(actual, "127.0.0.1")
                .await(10, TimeUnit.SECONDS));
        try {
            // "localhost" may resolve to ::1 first; answer there too when the machine has IPv6 loopback.
            issuer.servers.add(vertx.createHttpServer().requestHandler(issuer::handle).listen(actual, "::1")
                    .await(5, TimeUnit.SECONDS));
        } catch (Exception noIpv6) {
            // IPv4 loopback only: fine.
        }
        return issuer;
    }

    public String issuer() {
        return issuer;
    }

    public int port() {
        return port;
    }

    /** The JWKS URI on the IPv4 loopback (what the gateway fetches). */
    public String jwksUri() {
        return "http://127.0.0.1:" + port + "/.well-known/jwks.json";
    }

    /** Signs a token for the given identity; {@code claims} may hold scope, org_id, tenant_id, roles, email. */
    public String mint(String subject, Map<String, Object> claims, long expiresInSeconds) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE)
                .subject(subject)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)))
                .jwtID(UUID.randomUUID().toString())
                .claim("azp", "gatewaystack-demo");
        claims.forEach(b::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), b.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    public Future<Void> close() {
        return Future.join(servers.stream().map(HttpServer::close).toList()).mapEmpty();
    }

    private void handle(HttpServerRequest request) {
        switch (request.path()) {
            case "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server" ->
                    json(request, 200, metadata());
            case "/.well-known/jwks.json" -> request.response().putHeader("Content-Type", "application/json")
                    .end(new JWKSet(key.toPublicJWK()).toString(true));
            case "/mint" -> {
                if (!"POST".equals(request.method().name())) {
                    error(request, 405, "method_not_allowed", "Use POST /mint.");
                    return;
                }
                BodyReader.read(request, 64 * 1024).onComplete(ar -> {
                    if (ar.failed()) {
                        error(request, 413, "payload_too_large", "The mint request is too large.");
                    } else {
                        mint(request, ar.result());
                    }
                });
            }
            default -> error(request, 404, "not_found",
                    "The demo issuer serves POST /mint, /.well-known/jwks.json and discovery.");
        }
    }

    private Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("jwks_uri", issuer + ".well-known/jwks.json");
        m.put("token_endpoint", issuer + "mint");
        m.put("response_types_supported", List.of("token"));
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("scopes_supported", List.of("tool:read", "tool:write"));
        return m;
    }

    private void mint(HttpServerRequest request, Buffer body) {
        JsonNode in = body.length() == 0 ? JsonBodies.MAPPER.createObjectNode() : JsonBodies.parseOrNull(body);
        if (in == null || !in.isObject()) {
            error(request, 400, "invalid_request", "The body must be a JSON object.");
            return;
        }
        String sub = text(in, "sub", "demo-user");
        String scope = text(in, "scope", "tool:read");
        JsonNode exp = in.get("expires_in");
        long expiresIn = exp == null || exp.isNull() ? 300 : exp.isIntegralNumber() ? exp.asLong() : -1;
        if (sub == null || sub.isBlank() || sub.length() > 256 || scope == null || expiresIn < 1 || expiresIn > 86_400) {
            error(request, 400, "invalid_request",
                    "sub must be 1-256 characters, scope a string, expires_in between 1 and 86400 seconds.");
            return;
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("scope", scope);
        for (String name : List.of("org_id", "tenant_id", "email", "name", "plan")) {
            String v = text(in, name, null);
            if (v != null) {
                claims.put(name, v);
            }
        }
        JsonNode roles = in.get("roles");
        if (roles != null && !roles.isNull()) {
            if (!roles.isArray()) {
                error(request, 400, "invalid_request", "roles must be an array of strings.");
                return;
            }
            List<String> list = new ArrayList<>();
            roles.forEach(r -> list.add(r.asString()));
            claims.put("roles", list);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("access_token", mint(sub, claims, expiresIn));
        out.put("token_type", "Bearer");
        out.put("expires_in", expiresIn);
        out.put("scope", scope);
        json(request, 200, out);
    }

    private static String text(JsonNode in, String field, String fallback) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        return v.isString() ? v.asString() : null;
    }

    private static void json(HttpServerRequest request, int status, Object body) {
        request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store").end(JsonBodies.encode(body));
    }

    private static void error(HttpServerRequest request, int status, String code, String description) {
        json(request, status, Map.of("error", code, "error_description", description));
    }
}
