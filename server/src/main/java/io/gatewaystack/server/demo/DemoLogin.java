package io.gatewaystack.server.demo;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo issuer's browser login: OAuth 2.1 authorization code with PKCE (S256 only) for public clients, with a
 * one-click page instead of passwords ("log in as admin / as user / as tenant admin"). Redirect URIs must be
 * loopback ({@code http://127.0.0.1}, {@code localhost} or {@code [::1]}, any port: RFC 8252's rule for native
 * apps, and the demo only ever runs on one machine). Codes are random, bound to the client, redirect URI and
 * challenge, valid for {@value #CODE_TTL_SECONDS} seconds and usable once.
 */
final class DemoLogin {

    static final long CODE_TTL_SECONDS = 60;
    static final int MAX_PENDING_CODES = 1_000;

    /** Who one click logs in as. */
    record Persona(String id, String label, String sub, String scope, Map<String, Object> claims) {
    }

    static final List<Persona> PERSONAS = List.of(
            new Persona("admin", "Admin (all tenants)", "demo-admin", "openid gateway:admin tool:read tool:write",
                    Map.of("org_id", "demo-org", "roles", List.of("admin"), "name", "Demo Admin", "email", "admin@demo.local")),
            new Persona("tenant-admin", "Tenant admin (tenant acme)", "acme-admin", "openid gateway:admin tool:read",
                    Map.of("org_id", "acme", "tenant_id", "acme", "roles", List.of("admin"), "name", "Acme Admin")),
            new Persona("user", "User (no admin rights)", "demo-user", "openid tool:read tool:write",
                    Map.of("org_id", "demo-org", "roles", List.of("developer"), "name", "Demo User")));

    /** A problem with an authorization request: shown on a page when the redirect URI is not trusted, else redirected. */
    static final class LoginError extends Exception {
        final String code;
        final boolean redirectable;

        LoginError(String code, String message, boolean redirectable) {
            super(message);
            this.code = code;
            this.redirectable = redirectable;
        }
    }

    /** A checked authorization request. */
    record AuthorizationRequest(String clientId, String redirectUri, String state, String challenge, String scope) {
    }

    private record Code(AuthorizationRequest request, Persona persona, long expiresAtMillis) {
    }

    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    DemoLogin(Clock clock) {
        this.clock = clock;
    }

    /** Checks the parameters of {@code /authorize} (GET query or POST form). */
    AuthorizationRequest check(Map<String, String> p) throws LoginError {
        String clientId = p.get("client_id");
        String redirect = p.get("redirect_uri");
        if (clientId == null || clientId.isBlank() || clientId.length() > 200) {
            throw new LoginError("invalid_request", "client_id is required.", false);
        }
        if (redirect == null || !loopback(redirect)) {
            throw new LoginError("invalid_request",
                    "redirect_uri must be an http URL on 127.0.0.1, localhost or [::1] (the demo issuer is local only).", false);
        }
        if (!"code".equals(p.get("response_type"))) {
            throw new LoginError("unsupported_response_type", "response_type must be code.", true);
        }
        String challenge = p.get("code_challenge");
        if (challenge == null || !challenge.matches("[A-Za-z0-9_-]{43}")) {
            throw new LoginError("invalid_request", "PKCE is required: code_challenge (S256, 43 characters).", true);
        }
        if (!"S256".equals(p.get("code_challenge_method"))) {
            throw new LoginError("invalid_request", "code_challenge_method must be S256.", true);
        }
        String state = p.get("state") == null || p.get("state").isEmpty() ? null : p.get("state");
        if (state != null && state.length() > 500) {
            throw new LoginError("invalid_request", "state is too long.", false);
        }
        return new AuthorizationRequest(clientId, redirect, state, challenge, p.getOrDefault("scope", ""));
    }

    static boolean loopback(String uri) {
        try {
            URI u = URI.create(uri);
            String host = u.getHost();
            return "http".equals(u.getScheme()) && u.getFragment() == null && u.getUserInfo() == null && host != null
                    && (host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static Persona persona(String id) {
        return PERSONAS.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
    }

    /** Issues a one-time code for the persona; the URL to redirect the browser to. */
    String approve(AuthorizationRequest request, Persona persona) throws LoginError {
        long now = clock.millis();
        codes.values().removeIf(c -> c.expiresAtMillis() < now);
        if (codes.size() >= MAX_PENDING_CODES) {
            throw new LoginError("temporarily_unavailable", "Too many logins in progress; try again in a minute.", true);
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String code = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        codes.put(code, new Code(request, persona, now + CODE_TTL_SECONDS * 1000));
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        if (request.state() != null) {
            params.put("state", request.state());
        }
        return withParams(request.redirectUri(), params);
    }

    static String withParams(String uri, Map<String, String> params) {
        StringBuilder sb = new StringBuilder(uri).append(uri.contains("?") ? '&' : '?');
        boolean first = true;
        for (var e : params.entrySet()) {
            sb.append(first ? "" : "&").append(e.getKey()).append('=')
                    .append(java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            first = false;
        }
        return sb.toString();
    }

    /**
     * Redeems a code ({@code grant_type=authorization_code}): it must exist, be unexpired, unused, and match the
     * client, the redirect URI and the PKCE verifier. The code is gone afterwards whatever the outcome.
     */
    Persona redeem(Map<String, String> form) throws LoginError {
        if (!"authorization_code".equals(form.get("grant_type"))) {
            throw new LoginError("unsupported_grant_type", "grant_type must be authorization_code.", false);
        }
        String code = form.get("code");
        Code c = code == null ? null : codes.remove(code); // one use, even when the rest is wrong
        if (c == null || c.expiresAtMillis() < clock.millis()) {
            throw new LoginError("invalid_grant", "The code is unknown, used or expired.", false);
        }
        if (!c.request().clientId().equals(form.get("client_id"))) {
            throw new LoginError("invalid_grant", "The code was issued to another client.", false);
        }
        if (!c.request().redirectUri().equals(form.get("redirect_uri"))) {
            throw new LoginError("invalid_grant", "redirect_uri does not match the authorization request.", false);
        }
        String verifier = form.get("code_verifier");
        if (verifier == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")
                || !MessageDigest.isEqual(s256(verifier).getBytes(StandardCharsets.US_ASCII),
                        c.request().challenge().getBytes(StandardCharsets.US_ASCII))) {
            throw new LoginError("invalid_grant", "The PKCE code_verifier does not match the code_challenge.", false);
        }
        return c.persona();
    }

    static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses an {@code application/x-www-form-urlencoded} body or query string. */
    static Map<String, String> form(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    /** The one-click login page. */
    static String page(AuthorizationRequest r) {
        StringBuilder buttons = new StringBuilder();
        for (Persona p : PERSONAS) {
            buttons.append("<button type=\"submit\" name=\"persona\" value=\"").append(p.id()).append("\" id=\"login-")
                    .append(p.id()).append("\">Log in as ").append(esc(p.label())).append("<small>").append(esc(p.sub()))
                    .append(" · ").append(esc(p.scope())).append("</small></button>\n");
        }
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>GatewayStack demo login</title>
                <style>
                :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
                body { max-width: 32rem; margin: 4rem auto; padding: 0 1rem; }
                .warn { padding: .6rem .8rem; border: 1px solid #d97706; border-radius: 6px; background: #fef3c7; color: #78350f; }
                button { display: block; width: 100%%; margin: .6rem 0; padding: .8rem; font-size: 1rem; text-align: left;
                         border: 1px solid #888; border-radius: 8px; background: Canvas; color: CanvasText; cursor: pointer; }
                button:hover { border-color: #2563eb; }
                small { display: block; opacity: .7; font-size: .8rem; margin-top: .2rem; }
                </style></head><body>
                <h1>Demo login</h1>
                <p class="warn">Demo issuer: anyone on this machine can log in as anyone. Never use it in production.</p>
                <p><b>%s</b> asks to log you in (redirect to %s).</p>
                <form method="post" action="authorize">
                <input type="hidden" name="response_type" value="code">
                <input type="hidden" name="client_id" value="%s">
                <input type="hidden" name="redirect_uri" value="%s">
                <input type="hidden" name="state" value="%s">
                <input type="hidden" name="code_challenge" value="%s">
                <input type="hidden" name="code_challenge_method" value="S256">
                <input type="hidden" name="scope" value="%s">
                %s</form></body></html>
                """.formatted(esc(r.clientId()), esc(r.redirectUri()), esc(r.clientId()), esc(r.redirectUri()),
                esc(r.state() == null ? "" : r.state()), esc(r.challenge()), esc(r.scope()), buttons);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
