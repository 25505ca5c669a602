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
 * The demo mode's token issuer: an RS256 key made at start, its JWKS and discovery document, an open
 * {@code POST /mint} that signs whatever identity you ask for, and a browser login ({@code /authorize} +
 * {@code /token}: authorization code with PKCE, one click per demo identity; see {@link DemoLogin}). That openness is the point of a demo and the
 * reason it binds only to the loopback interface and never runs outside demo mode.
 */
public final class DemoIssuer {

    public static final String AUDIENCE = "https://gateway.local/api";

    private final RSAKey key;
    private final RSASSASigner signer;
    private final String issuer;
    private final int port;
    private final List<HttpServer> servers = new ArrayList<>();
    private final DemoLogin login = new DemoLogin(java.time.Clock.systemUTC());

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
            case "/authorize" -> authorize(request);
            case "/token" -> token(request);
            case "/register" -> register(request);
            default -> error(request, 404, "not_found",
                    "The demo issuer serves POST /mint, /authorize, POST /token, POST /register, /.well-known/jwks.json and discovery.");
        }
    }

    private Map<String, Object> metadata() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("jwks_uri", issuer + ".well-known/jwks.json");
        m.put("authorization_endpoint", issuer + "authorize");
        m.put("token_endpoint", issuer + "token");
        m.put("registration_endpoint", issuer + "register");
        m.put("response_types_supported", List.of("code"));
        m.put("grant_types_supported", List.of("authorization_code"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("token_endpoint_auth_methods_supported", List.of("none"));
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("scopes_supported", List.of("openid", "tool:read", "tool:write", "gateway:admin"));
        return m;
    }

    /**
     * {@code GET /authorize}: the one-click login page; {@code POST /authorize} (its buttons): a one-time code,
     * redirected to the client. See {@link DemoLogin}.
     */
    private void authorize(HttpServerRequest request) {
        String method = request.method().name();
        if ("GET".equals(method)) {
            loginStep(request, DemoLogin.form(request.query()), false);
        } else if ("POST".equals(method)) {
            BodyReader.read(request, 16 * 1024).onComplete(ar -> {
                if (ar.failed()) {
                    error(request, 413, "payload_too_large", "The login form is too large.");
                } else {
                    loginStep(request, DemoLogin.form(ar.result().toString(java.nio.charset.StandardCharsets.UTF_8)), true);
                }
            });
        } else {
            error(request, 405, "method_not_allowed", "Use GET or POST /authorize.");
        }
    }

    private void loginStep(HttpServerRequest request, Map<String, String> params, boolean approve) {
        DemoLogin.AuthorizationRequest checked;
        try {
            checked = login.check(params);
        } catch (DemoLogin.LoginError e) {
            if (e.redirectable && params.get("redirect_uri") != null && DemoLogin.loopback(params.get("redirect_uri"))) {
                Map<String, String> p = new LinkedHashMap<>();
                p.put("error", e.code);
                p.put("error_description", e.getMessage());
                if (params.get("state") != null && !params.get("state").isEmpty()) {
                    p.put("state", params.get("state"));
                }
                request.response().setStatusCode(302).putHeader("Location", DemoLogin.withParams(params.get("redirect_uri"), p)).end();
            } else {
                request.response().setStatusCode(400).putHeader("Content-Type", "text/html; charset=utf-8")
                        .end("<!doctype html><title>Login error</title><h1>Login error</h1><p>" + DemoLogin.esc(e.getMessage()) + "</p>");
            }
            return;
        }
        if (!approve) {
            request.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                    .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:* http://[::1]:*; frame-ancestors 'none'")
                    .end(DemoLogin.page(checked));
            return;
        }
        DemoLogin.Persona persona = DemoLogin.persona(params.get("persona"));
        if (persona == null) {
            error(request, 400, "invalid_request", "Choose one of the offered identities.");
            return;
        }
        try {
            request.response().setStatusCode(302).putHeader("Location", login.approve(checked, persona)).end();
        } catch (DemoLogin.LoginError e) {
            error(request, 503, e.code, e.getMessage());
        }
    }

    /** {@code POST /token}: redeems a code (PKCE checked) for an access token. Browsers call it cross-origin. */
    private void token(HttpServerRequest request) {
        request.response().putHeader("Access-Control-Allow-Origin", "*"); // public clients, no cookies: any origin
        if ("OPTIONS".equals(request.method().name())) {
            request.response().setStatusCode(204).putHeader("Access-Control-Allow-Methods", "POST")
                    .putHeader("Access-Control-Allow-Headers", "Content-Type").putHeader("Access-Control-Max-Age", "600").end();
            return;
        }
        if (!"POST".equals(request.method().name())) {
            error(request, 405, "method_not_allowed", "Use POST /token.");
            return;
        }
        BodyReader.read(request, 16 * 1024).onComplete(ar -> {
            if (ar.failed()) {
                error(request, 413, "payload_too_large", "The token request is too large.");
                return;
            }
            DemoLogin.Persona persona;
            try {
                persona = login.redeem(DemoLogin.form(ar.result().toString(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (DemoLogin.LoginError e) {
                error(request, 400, e.code, e.getMessage());
                return;
            }
            long expiresIn = 3600;
            Map<String, Object> claims = new LinkedHashMap<>(persona.claims());
            claims.put("scope", persona.scope());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("access_token", mint(persona.sub(), claims, expiresIn));
            out.put("token_type", "Bearer");
            out.put("expires_in", expiresIn);
            out.put("scope", persona.scope());
            json(request, 200, out);
        });
    }

    /**
     * {@code POST /register} (RFC 7591 dynamic client registration, as MCP clients do it): any public client with
     * loopback redirect URIs gets a client id. The demo's login accepts any client id anyway; this lets clients that
     * insist on registering go ahead.
     */
    private void register(HttpServerRequest request) {
        request.response().putHeader("Access-Control-Allow-Origin", "*");
        if ("OPTIONS".equals(request.method().name())) {
            request.response().setStatusCode(204).putHeader("Access-Control-Allow-Methods", "POST")
                    .putHeader("Access-Control-Allow-Headers", "Content-Type").end();
            return;
        }
        if (!"POST".equals(request.method().name())) {
            error(request, 405, "method_not_allowed", "Use POST /register.");
            return;
        }
        BodyReader.read(request, 16 * 1024).onComplete(ar -> {
            JsonNode in = ar.failed() ? null : JsonBodies.parseOrNull(ar.result());
            JsonNode uris = in == null ? null : in.get("redirect_uris");
            if (uris == null || !uris.isArray() || uris.isEmpty()) {
                error(request, 400, "invalid_client_metadata", "redirect_uris must be a non-empty array.");
                return;
            }
            List<String> redirects = new ArrayList<>();
            for (JsonNode u : uris) {
                if (!u.isString() || !DemoLogin.loopback(u.asString())) {
                    error(request, 400, "invalid_redirect_uri",
                            "The demo issuer only redirects to http://127.0.0.1, localhost or [::1].");
                    return;
                }
                redirects.add(u.asString());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("client_id", "demo-client-" + UUID.randomUUID());
            out.put("client_id_issued_at", Instant.now().getEpochSecond());
            out.put("redirect_uris", redirects);
            out.put("token_endpoint_auth_method", "none");
            out.put("grant_types", List.of("authorization_code"));
            out.put("response_types", List.of("code"));
            if (in.get("client_name") != null && in.get("client_name").isString()) {
                out.put("client_name", in.get("client_name").asString());
            }
            json(request, 201, out);
        });
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
