package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** {@code /proxy/**} against a real upstream: relaying, identity injection, anti-spoofing, limits and failures. */
class ReverseProxyTest {

    static Vertx vertx;
    static TestIssuer issuer;
    static TestBackend backend;
    static TestGateway gateway;
    static Http http;
    static String alice;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        issuer = new TestIssuer();
        backend = new TestBackend(vertx);
        gateway = TestGateway.start(vertx, TestGateway.yaml(issuer, "http://127.0.0.1:" + backend.port() + "/base", ""),
                Map.of("PROXY_INJECT_QUERY", "user", "PROXY_INJECT_HEADER", "X-Auth-Sub"));
        http = new Http(vertx);
        alice = issuer.token("alice", Map.of("scope", "tool:read", "org_id", "acme", "tenant_id", "t-1",
                "roles", List.of("doctor", "admin"), "email", "alice@example.com"));
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        backend.close();
        issuer.close();
        vertx.close();
    }

    @Test
    void forwardsUnderTheTargetBasePathWithTheVerifiedIdentityOnly() throws Exception {
        Http.Response r = http.post(gateway.url("/proxy/events/7?limit=5&user=mallory"), "{\"q\":1}",
                "Authorization", "Bearer " + alice,
                "Content-Type", "application/json",
                "X-User-Id", "bob", "X-Org-Id", "evil-org", "X-Tenant-Id", "t-evil", "X-User-Roles", "superadmin",
                "X-User-Scopes", "everything", "X-User-Email", "bob@example.com", "X-Gateway-Identity", "forged",
                "X-Auth-Sub", "bob", "Cookie", "sid=1", "X-Forwarded-For", "6.6.6.6", "X-Custom", "kept",
                "X-Request-Id", "req-proxy-1");
        assertThat(r.status()).isEqualTo(200);
        JsonNode echo = r.json();
        assertThat(echo.get("method").asString()).isEqualTo("POST");
        assertThat(echo.get("uri").asString()).isEqualTo("/base/events/7?limit=5&user=alice");
        assertThat(echo.get("body").asString()).isEqualTo("{\"q\":1}");
        JsonNode h = echo.get("headers");
        assertThat(h.get("x-user-id").asString()).isEqualTo("alice");
        assertThat(h.get("x-auth-sub").asString()).isEqualTo("alice");
        assertThat(h.get("x-org-id").asString()).isEqualTo("acme");
        assertThat(h.get("x-tenant-id").asString()).isEqualTo("t-1");
        assertThat(h.get("x-user-roles").asString()).isEqualTo("doctor admin");
        assertThat(h.get("x-user-scopes").asString()).isEqualTo("tool:read");
        assertThat(h.get("x-user-email").asString()).isEqualTo("alice@example.com");
        assertThat(h.get("x-request-id").asString()).isEqualTo("req-proxy-1");
        assertThat(h.get("x-custom").asString()).isEqualTo("kept");
        assertThat(h.get("x-forwarded-for").asString()).isEqualTo("127.0.0.1");
        assertThat(h.has("authorization")).isFalse();
        assertThat(h.has("cookie")).isFalse();

        // the signed assertion verifies with the gateway's published key and names alice, for this upstream
        String assertion = h.get("x-gateway-identity").asString();
        SignedJWT jwt = SignedJWT.parse(assertion);
        JWKSet jwks = JWKSet.parse(http.get(gateway.url("/.well-known/gateway-jwks.json")).body());
        assertThat(jwt.verify(new ECDSAVerifier((ECKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID())))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("http://127.0.0.1:" + backend.port());
        assertThat(jwt.getJWTClaimsSet().getStringClaim("org_id")).isEqualTo("acme");
    }

    @Test
    void headersNamedByConnectionAreHopByHopAndNotForwarded() throws Exception {
        // A raw request: HTTP clients manage the Connection header themselves.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET /proxy/raw HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice
                    + "\r\nConnection: X-Secret-Hop\r\nX-Secret-Hop: hop\r\nX-Other: kept\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = readOneResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200");
            JsonNode headers = Http.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4)).get("headers");
            assertThat(headers.get("x-other").asString()).isEqualTo("kept");
            assertThat(headers.has("x-secret-hop")).isFalse();
        }
    }

    @Test
    void aClientThatLeavesMidStreamStopsTheUpstreamAndIsLoggedAs499() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            String request = "GET /proxy/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice
                    + "\r\nX-Request-Id: leaves-early\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] firstBytes = socket.getInputStream().readNBytes(12);
            assertThat(new String(firstBytes, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
        } // the client leaves with the stream half sent
        assertThat(backend.streamAborted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(gateway.awaitAccessLogLine("leaves-early")).contains("\"status\":499", "\"error\":\"client_closed\"");
    }

    @Test
    void relaysStatusAndHeadersButNotHopByHopOrCookies() {
        Http.Response r = http.get(gateway.url("/proxy/teapot"), "Authorization", "Bearer " + alice);
        assertThat(r.status()).isEqualTo(418);
        assertThat(r.body()).isEqualTo("short and stout");
        assertThat(r.header("X-Backend")).isEqualTo("yes");
        assertThat(r.header("Set-Cookie")).isNull();
        assertThat(r.header("X-Hop")).isNull();
        assertThat(r.header("X-Request-Id")).startsWith("gw-");
    }

    @Test
    void streamsLargeBodiesIntactInBothDirections() throws Exception {
        byte[] data = new byte[1_500_000];
        new Random(42).nextBytes(data);
        Buffer body = Buffer.buffer(data);
        Http.Response withLength = http.send(HttpMethod.PUT, gateway.url("/proxy/upload"), body, "Authorization", "Bearer " + alice);
        assertThat(withLength.status()).isEqualTo(200);
        assertThat(withLength.json().get("length").asInt()).isEqualTo(data.length);
        assertThat(withLength.json().get("sha256").asString()).isEqualTo(TestBackend.sha256(body));

        // chunked (no Content-Length): streamed and counted as it goes
        Http.Response chunked = chunkedPut("/proxy/upload", body);
        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.json().get("sha256").asString()).isEqualTo(TestBackend.sha256(body));
    }

    @Test
    void bodiesOverTheLimitAre413WithOrWithoutContentLength() throws Exception {
        Buffer big = Buffer.buffer(new byte[2 * 1024 * 1024 + 10]);
        Http.Response declared = http.send(HttpMethod.POST, gateway.url("/proxy/upload"), big, "Authorization", "Bearer " + alice);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.json().get("error").asString()).isEqualTo("payload_too_large");
        Http.Response streamed = chunkedPut("/proxy/upload", big);
        assertThat(streamed.status()).isEqualTo(413);
    }

    @Test
    void pathTricksAre400() {
        for (String path : List.of("/proxy/../admin", "/proxy/%2e%2e/admin", "/proxy/a%2Fb", "/proxy//evil.example/x",
                "/proxy/http://evil.example/", "/proxy/a%00")) {
            Http.Response r = http.get(gateway.url(path), "Authorization", "Bearer " + alice);
            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.json().get("error").asString()).isEqualTo("invalid_request");
        }
    }

    @Test
    void aSlowUpstreamIs504AndADeadOneIs502() throws Exception {
        Http.Response slow = http.get(gateway.url("/proxy/slow"), "Authorization", "Bearer " + alice);
        assertThat(slow.status()).isEqualTo(504);
        assertThat(slow.json().get("error").asString()).isEqualTo("upstream_timeout");

        int deadPort = io.gatewaystack.server.http.Ports.free();
        try (TestGateway dead = TestGateway.start(vertx, TestGateway.yaml(issuer, "http://127.0.0.1:" + deadPort, ""))) {
            Http.Response r = http.get(dead.url("/proxy/x"), "Authorization", "Bearer " + alice);
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.json().get("error").asString()).isEqualTo("upstream_error");
            assertThat(r.body()).doesNotContain("Connection refused");
        }
    }

    @Test
    void withBodyInspectionTheBodyIsReadThenForwardedIntact() {
        try (TestGateway inspecting = TestGateway.start(vertx, TestGateway.yaml(issuer,
                "http://127.0.0.1:" + backend.port(), "").replace("response_timeout_ms: 500", "response_timeout_ms: 500\n  inspect_bodies: true"))) {
            String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            Http.Response r = http.post(inspecting.url("/proxy/chat"), json, "Authorization", "Bearer " + alice,
                    "Content-Type", "application/json");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.json().get("body").asString()).isEqualTo(json);
            assertThat(r.json().get("headers").get("content-length").asString()).isEqualTo(Integer.toString(json.length()));
            Http.Response bad = http.post(inspecting.url("/proxy/chat"), "{oops", "Authorization", "Bearer " + alice,
                    "Content-Type", "application/json");
            assertThat(bad.status()).isEqualTo(400);
        }
    }

    @Test
    void theProxyNeedsAValidToken() {
        Http.Response r = http.get(gateway.url("/proxy/anything"), "X-User-Id", "alice");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("error").asString()).isEqualTo("missing_token");
    }

    /** Reads a status line, headers and a Content-Length body (bounded by the socket timeout). */
    private static String readOneResponse(java.io.InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        while (!head.toString(java.nio.charset.StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0 || head.size() > 65_536) {
                break;
            }
            head.write(b);
        }
        String headers = head.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return headers + new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    }

    private Http.Response chunkedPut(String path, Buffer body) {
        return http.onEventLoop(client -> client.request(new RequestOptions().setMethod(HttpMethod.PUT)
                        .setAbsoluteURI(gateway.url(path)).putHeader("Authorization", "Bearer " + alice).setIdleTimeout(20_000))
                .compose(req -> {
                    req.setChunked(true);
                    int step = 64 * 1024;
                    for (int i = 0; i < body.length(); i += step) {
                        req.write(body.slice(i, Math.min(body.length(), i + step)));
                    }
                    return req.end().compose(v -> req.response());
                })
                .compose(resp -> resp.body().map(b -> new Http.Response(resp.statusCode(), resp.headers(), b.toString()))));
    }
}
