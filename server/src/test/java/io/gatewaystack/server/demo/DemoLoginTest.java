package io.gatewaystack.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo issuer's browser login over real HTTP: authorization code with PKCE (S256), loopback redirect URIs only,
 * one-time codes bound to client, redirect URI and verifier, and short expiry.
 */
class DemoLoginTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-abcdefgh";
    static final String REDIRECT = "http://127.0.0.1:9999/admin/";

    static Vertx vertx;
    static DemoIssuer issuer;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = DemoIssuer.start(vertx, 0);
        http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterAll
    static void stop() throws Exception {
        issuer.close().await(5, TimeUnit.SECONDS);
        vertx.close();
    }

    static String url(String path) {
        return "http://127.0.0.1:" + issuer.port() + path;
    }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postForm(String path, Map<String, String> form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url(path)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String encode(Map<String, String> form) {
        StringBuilder sb = new StringBuilder();
        form.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return sb.toString();
    }

    static Map<String, String> authorization(String redirect) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", "gatewaystack-console");
        p.put("redirect_uri", redirect);
        p.put("scope", "openid gateway:admin");
        p.put("state", "st-123");
        p.put("code_challenge", DemoLogin.s256(VERIFIER));
        p.put("code_challenge_method", "S256");
        return p;
    }

    /** Clicks "log in as {persona}": the code from the redirect. */
    static String code(String persona) throws Exception {
        Map<String, String> form = authorization(REDIRECT);
        form.put("persona", persona);
        HttpResponse<String> r = postForm("/authorize", form);
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?code=").endsWith("&state=st-123");
        return DemoLogin.form(URI.create(location).getRawQuery()).get("code");
    }

    static Map<String, String> redemption(String code) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("grant_type", "authorization_code");
        f.put("code", code);
        f.put("redirect_uri", REDIRECT);
        f.put("client_id", "gatewaystack-console");
        f.put("code_verifier", VERIFIER);
        return f;
    }

    @Test
    void metadataAdvertisesTheCodeFlow() throws Exception {
        JsonNode m = JSON.readTree(get("/.well-known/openid-configuration").body());
        assertThat(m.get("authorization_endpoint").asString()).isEqualTo(issuer.issuer() + "authorize");
        assertThat(m.get("token_endpoint").asString()).isEqualTo(issuer.issuer() + "token");
        assertThat(m.get("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(m.get("scopes_supported").toString()).contains("gateway:admin");
    }

    @Test
    void theLoginPageOffersOneClickPerIdentity() throws Exception {
        HttpResponse<String> page = get("/authorize?" + encode(authorization(REDIRECT)));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("id=\"login-admin\"").contains("id=\"login-user\"").contains("id=\"login-tenant-admin\"")
                .contains("Never use it in production");
    }

    @Test
    void aCodeBecomesATokenOnceWithTheRightVerifier() throws Exception {
        String code = code("admin");
        HttpResponse<String> r = postForm("/token", redemption(code));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        JsonNode body = JSON.readTree(r.body());
        SignedJWT jwt = SignedJWT.parse(body.get("access_token").asString());
        RSAKey key = (RSAKey) JWKSet.parse(get("/.well-known/jwks.json").body()).getKeys().get(0);
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("demo-admin");
        assertThat(jwt.getJWTClaimsSet().getStringClaim("scope")).contains("gateway:admin");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly(DemoIssuer.AUDIENCE);

        // the same code again: gone
        HttpResponse<String> again = postForm("/token", redemption(code));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(again.body()).get("error").asString()).isEqualTo("invalid_grant");

        JsonNode user = JSON.readTree(postForm("/token", redemption(code("user"))).body());
        assertThat(SignedJWT.parse(user.get("access_token").asString()).getJWTClaimsSet().getStringClaim("scope"))
                .doesNotContain("gateway:admin");
    }

    @Test
    void wrongVerifierWrongRedirectOrReuseAreRefusedAndBurnTheCode() throws Exception {
        String code = code("admin");
        Map<String, String> wrong = redemption(code);
        wrong.put("code_verifier", VERIFIER.replace('d', 'e'));
        HttpResponse<String> r = postForm("/token", wrong);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).get("error").asString()).isEqualTo("invalid_grant");
        // the right verifier now: the code was used up by the failed attempt
        assertThat(postForm("/token", redemption(code)).statusCode()).isEqualTo(400);

        Map<String, String> otherRedirect = redemption(code("admin"));
        otherRedirect.put("redirect_uri", "http://127.0.0.1:9999/elsewhere");
        assertThat(JSON.readTree(postForm("/token", otherRedirect).body()).get("error_description").asString())
                .contains("redirect_uri");

        Map<String, String> otherClient = redemption(code("admin"));
        otherClient.put("client_id", "someone-else");
        assertThat(postForm("/token", otherClient).statusCode()).isEqualTo(400);

        Map<String, String> grant = redemption(code("admin"));
        grant.put("grant_type", "password");
        assertThat(JSON.readTree(postForm("/token", grant).body()).get("error").asString()).isEqualTo("unsupported_grant_type");
        assertThat(get("/token").statusCode()).isEqualTo(405);
    }

    @Test
    void untrustedRedirectsAreNeverFollowedAndPkceIsRequired() throws Exception {
        HttpResponse<String> evil = get("/authorize?" + encode(authorization("https://evil.example/cb")));
        assertThat(evil.statusCode()).isEqualTo(400);
        assertThat(evil.headers().firstValue("Location")).isEmpty();
        assertThat(evil.body()).contains("redirect_uri must be");

        Map<String, String> plain = authorization(REDIRECT);
        plain.put("code_challenge_method", "plain");
        HttpResponse<String> r = get("/authorize?" + encode(plain));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith(REDIRECT + "?error=invalid_request")
                .contains("state=st-123");
        Map<String, String> none = authorization(REDIRECT);
        none.remove("code_challenge");
        assertThat(get("/authorize?" + encode(none)).headers().firstValue("Location").orElseThrow()).contains("error=invalid_request");

        Map<String, String> noPersona = authorization(REDIRECT);
        noPersona.put("persona", "root");
        assertThat(postForm("/authorize", noPersona).statusCode()).isEqualTo(400);
    }

    @Test
    void clientsMayRegisterWithLoopbackRedirects() throws Exception {
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(url("/register")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"client_name\":\"an MCP client\",\"redirect_uris\":[\"http://127.0.0.1:6274/cb\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(201);
        JsonNode client = JSON.readTree(ok.body());
        assertThat(client.get("client_id").asString()).startsWith("demo-client-");
        assertThat(client.get("token_endpoint_auth_method").asString()).isEqualTo("none");
        HttpResponse<String> remote = http.send(HttpRequest.newBuilder(URI.create(url("/register")))
                .POST(HttpRequest.BodyPublishers.ofString("{\"redirect_uris\":[\"https://evil.example/cb\"]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(remote.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(remote.body()).get("error").asString()).isEqualTo("invalid_redirect_uri");
        assertThat(JSON.readTree(get("/.well-known/openid-configuration").body()).get("registration_endpoint").asString())
                .isEqualTo(issuer.issuer() + "register");
    }

    @Test
    void codesExpireAfterAMinute() throws Exception {
        MutableClock clock = new MutableClock();
        DemoLogin login = new DemoLogin(clock);
        DemoLogin.AuthorizationRequest request = login.check(authorization(REDIRECT));
        String location = login.approve(request, DemoLogin.persona("admin"));
        String code = DemoLogin.form(URI.create(location).getRawQuery()).get("code");
        clock.now = clock.now.plusSeconds(DemoLogin.CODE_TTL_SECONDS + 1);
        assertThatThrownBy(() -> login.redeem(redemption(code))).hasMessageContaining("expired");
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
