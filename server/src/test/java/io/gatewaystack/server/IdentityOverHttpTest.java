package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract's authentication answers, over real HTTP: statuses, error codes, challenges, request ids. */
class IdentityOverHttpTest {

    static Vertx vertx;
    static TestIssuer issuer;
    static TestGateway gateway;
    static Http http;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, null, """
                tools:
                  scopes:
                    crm: [crm:read]
                """));
        http = new Http(vertx);
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        issuer.close();
        vertx.close();
    }

    private String prm() {
        return "resource_metadata=\"http://127.0.0.1:" + gateway.port() + "/.well-known/oauth-protected-resource\"";
    }

    @Test
    void noTokenIs401MissingTokenWithADiscoverableChallenge() {
        Http.Response r = http.get(gateway.url("/protected/ping"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asString()).isEqualTo("missing_token");
        assertThat(r.json().get("error_description").asString()).isNotBlank();
        assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer " + prm());
        assertThat(r.header("X-Request-Id")).startsWith("gw-");
        assertThat(r.header("Content-Type")).isEqualTo("application/json");

        Http.Response basic = http.get(gateway.url("/protected/ping"), "Authorization", "Basic dXNlcjpwYXNz");
        assertThat(basic.json().get("error").asString()).isEqualTo("missing_token");
    }

    @Test
    void aValidTokenPassesWithAnyCaseOfTheBearerScheme() {
        String token = issuer.token("alice", Map.of("scope", "tool:read", "org_id", "acme", "roles", List.of("doctor")));
        for (String scheme : List.of("Bearer ", "bearer ", "BEARER ")) {
            Http.Response r = http.get(gateway.url("/protected/ping"), "Authorization", scheme + token);
            assertThat(r.status()).as(scheme).isEqualTo(200);
            assertThat(r.json().get("sub").asString()).isEqualTo("alice");
            assertThat(r.json().get("org_id").asString()).isEqualTo("acme");
            assertThat(r.json().get("roles").get(0).asString()).isEqualTo("doctor");
        }
    }

    @Test
    void badTokensGetTheContractsCodesAndInvalidTokenChallenges() {
        Instant now = Instant.now();
        String expired = issuer.sign(new JWTClaimsSet.Builder().issuer(issuer.issuer()).audience(TestIssuer.AUDIENCE)
                .subject("alice").expirationTime(Date.from(now.minusSeconds(300))).build());
        String wrongAudience = issuer.sign(new JWTClaimsSet.Builder().issuer(issuer.issuer()).audience("https://other")
                .subject("alice").expirationTime(Date.from(now.plusSeconds(300))).build());
        String valid = issuer.token("alice", Map.of());
        String[] parts = valid.split("\\.");
        String tamperedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("alice", "bobby").getBytes());
        String tampered = parts[0] + "." + tamperedPayload + "." + parts[2];
        Map<String, String> cases = Map.of(
                "garbage", "invalid_token",
                expired, "token_expired",
                wrongAudience, "invalid_token",
                tampered, "invalid_token",
                "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", "access_token_is_encrypted_jwe",
                "x".repeat(9000), "invalid_token");
        cases.forEach((token, code) -> {
            Http.Response r = http.get(gateway.url("/protected/ping"), "Authorization", "Bearer " + token);
            assertThat(r.status()).as(code).isEqualTo(401);
            assertThat(r.json().get("error").asString()).isEqualTo(code);
            assertThat(r.header("WWW-Authenticate")).startsWith("Bearer " + prm() + ", error=\"invalid_token\", error_description=\"");
            assertThat(r.body()).doesNotContain("alice").doesNotContain("Exception");
        });
    }

    @Test
    void aMissingScopeIs403WithTheRequiredScopes() {
        String readOnly = issuer.token("alice", Map.of("scope", "tool:read"));
        Http.Response r = http.post(gateway.url("/protected/echo"), "{\"a\":1}", "Authorization", "Bearer " + readOnly,
                "Content-Type", "application/json");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asString()).isEqualTo("insufficient_scope");
        assertThat(r.json().get("required_scopes").get(0).asString()).isEqualTo("tool:write");
        assertThat(r.header("WWW-Authenticate")).contains("error=\"insufficient_scope\"", "scope=\"tool:write\"", prm());

        // exact matching: a look-alike scope does not count
        String lookAlike = issuer.token("alice", Map.of("scope", "tool:writer tool:write:all"));
        assertThat(http.post(gateway.url("/protected/echo"), "{}", "Authorization", "Bearer " + lookAlike).status()).isEqualTo(403);
    }

    @Test
    void echoReturnsTheJsonBodyAndRefusesBadOrOversizedBodies() {
        String writer = issuer.token("alice", Map.of("scope", "tool:write"));
        Http.Response ok = http.post(gateway.url("/protected/echo"), "{\"hello\":[1,2]}", "Authorization", "Bearer " + writer,
                "Content-Type", "application/json");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("sub").asString()).isEqualTo("alice");
        assertThat(ok.json().get("body").get("hello").get(1).asInt()).isEqualTo(2);

        Http.Response bad = http.post(gateway.url("/protected/echo"), "{not json", "Authorization", "Bearer " + writer);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asString()).isEqualTo("invalid_request");

        Buffer big = Buffer.buffer(new byte[2 * 1024 * 1024 + 1]);
        Http.Response tooLarge = http.send(HttpMethod.POST, gateway.url("/protected/echo"), big, "Authorization", "Bearer " + writer);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().get("error").asString()).isEqualTo("payload_too_large");
    }

    @Test
    void unknownRoutesAndWrongMethodsAreJsonErrors() {
        Http.Response missing = http.get(gateway.url("/nope"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asString()).isEqualTo("not_found");
        Http.Response wrongMethod = http.get(gateway.url("/protected/echo"), "Authorization", "Bearer " + issuer.token("a", Map.of()));
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("error").asString()).isEqualTo("method_not_allowed");
        Http.Response noProxy = http.get(gateway.url("/proxy/x"), "Authorization", "Bearer " + issuer.token("a", Map.of()));
        assertThat(noProxy.status()).isEqualTo(404);
    }

    @Test
    void aWellFormedClientRequestIdIsKeptAndABadOneReplaced() throws Exception {
        Http.Response kept = http.get(gateway.url("/health"), "X-Request-Id", "client-abc_123");
        assertThat(kept.header("X-Request-Id")).isEqualTo("client-abc_123");
        Http.Response replaced = http.get(gateway.url("/health"), "X-Request-Id", "bad id\"<script>");
        assertThat(replaced.header("X-Request-Id")).startsWith("gw-");
        String line = gateway.awaitAccessLogLine("client-abc_123");
        assertThat(line).contains("\"path\":\"/health\"", "\"status\":200", "\"decision\":\"allow\"");
    }

    @Test
    void theAccessLogHasOneLinePerRequestWithIdentityAndNoToken() throws Exception {
        String token = issuer.token("carol", Map.of("org_id", "org-9"));
        Http.Response r = http.get(gateway.url("/protected/ping?secret=s3cr3t"), "Authorization", "Bearer " + token,
                "X-Request-Id", "log-check-1");
        assertThat(r.status()).isEqualTo(200);
        String line = gateway.awaitAccessLogLine("log-check-1");
        assertThat(line).contains("\"sub\":\"carol\"", "\"org\":\"org-9\"", "\"method\":\"GET\"",
                "\"path\":\"/protected/ping\"", "\"route\":\"protected.ping\"", "\"latency_ms\":");
        assertThat(line).doesNotContain(token).doesNotContain("s3cr3t");
        http.get(gateway.url("/protected/ping"), "X-Request-Id", "log-check-2");
        assertThat(gateway.awaitAccessLogLine("log-check-2")).contains("\"decision\":\"deny\"", "\"error\":\"missing_token\"");
    }
}
