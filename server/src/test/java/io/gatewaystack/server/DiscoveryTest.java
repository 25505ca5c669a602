package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * OAuth discovery against a real OIDC provider running in the test JVM (NAV's mock-oauth2-server): tokens verify
 * with keys found through the provider's discovery document, and the gateway publishes and relays the metadata
 * MCP and ChatGPT clients need to start an OAuth flow by themselves.
 */
class DiscoveryTest {

    static final String AUDIENCE = "https://gateway.test/api";

    static Vertx vertx;
    static MockOAuth2Server idp;
    static TestGateway gateway;
    static Http http;
    static String issuer;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        issuer = idp.issuerUrl("default").toString();
        gateway = TestGateway.start(vertx, """
                audit: {dir: AUDITDIR}
                server: {host: 127.0.0.1, port: 0, event_loops: 1, trusted_proxies: ["10.9.9.9"]}
                identity:
                  issuers:
                    - issuer: %s
                      audiences: [%s]
                  scopes_supported: [openid, profile]
                """.formatted(issuer, AUDIENCE).replace("AUDITDIR", TestGateway.tempDir()), Map.of("TOOL_SCOPES_JSON", "{\"crm\":[\"crm:read\"],\"notes\":[\"notes:write\",\"crm:read\"]}"));
        http = new Http(vertx);
    }

    @AfterAll
    static void stop() {
        http.close();
        gateway.close();
        idp.shutdown();
        vertx.close();
    }

    @Test
    void tokensFromTheProviderVerifyThroughItsDiscoveryDocument() {
        String token = idp.issueToken("default", "client-1", new DefaultOAuth2TokenCallback("default", "user-42", "JWT",
                List.of(AUDIENCE), Map.of("scope", "openid crm:read", "org_id", "acme"), 300)).serialize();
        Http.Response r = http.get(gateway.url("/protected/ping"), "Authorization", "Bearer " + token);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("sub").asString()).isEqualTo("user-42");
        assertThat(r.json().get("scopes").toString()).contains("crm:read");

        String otherAudience = idp.issueToken("default", "client-1", new DefaultOAuth2TokenCallback("default", "user-42",
                "JWT", List.of("https://someone-else"), Map.of(), 300)).serialize();
        assertThat(http.get(gateway.url("/protected/ping"), "Authorization", "Bearer " + otherAudience).status()).isEqualTo(401);
    }

    @Test
    void protectedResourceMetadataNamesTheIssuerAndEveryScope() {
        for (String suffix : List.of("", "/mcp")) {
            Http.Response r = http.get(gateway.url("/.well-known/oauth-protected-resource" + suffix));
            assertThat(r.status()).isEqualTo(200);
            JsonNode prm = r.json();
            assertThat(prm.get("resource").asString()).isEqualTo("http://127.0.0.1:" + gateway.port() + suffix);
            assertThat(prm.get("authorization_servers").get(0).asString()).isEqualTo(issuer);
            assertThat(prm.get("bearer_methods_supported").get(0).asString()).isEqualTo("header");
            List<String> scopes = new java.util.ArrayList<>();
            prm.get("scopes_supported").forEach(n -> scopes.add(n.asString()));
            assertThat(scopes).containsExactly("openid", "profile", "crm:read", "notes:write", "tool:write");
        }
    }

    @Test
    void forwardedHostIsBelievedOnlyFromTrustedProxies() {
        Http.Response r = http.get(gateway.url("/.well-known/oauth-protected-resource"),
                "X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "https");
        assertThat(r.json().get("resource").asString()).isEqualTo("http://127.0.0.1:" + gateway.port());
        Http.Response challenge = http.get(gateway.url("/protected/ping"), "X-Forwarded-Host", "evil.example");
        assertThat(challenge.header("WWW-Authenticate")).doesNotContain("evil.example");
    }

    @Test
    void theIssuersMetadataIsRelayed() {
        Http.Response oidc = http.get(gateway.url("/.well-known/openid-configuration"));
        assertThat(oidc.status()).isEqualTo(200);
        assertThat(oidc.json().get("issuer").asString()).isEqualTo(issuer);
        assertThat(oidc.json().get("jwks_uri").asString()).startsWith("http://");
        Http.Response as = http.get(gateway.url("/.well-known/oauth-authorization-server"));
        assertThat(as.status()).isEqualTo(200);
        assertThat(as.json().get("issuer").asString()).isEqualTo(issuer);
        assertThat(as.json().has("token_endpoint")).isTrue();
    }

    @Test
    void healthReportsTheIdentityProvider() {
        Http.Response idpHealth = http.get(gateway.url("/health/idp"));
        assertThat(idpHealth.status()).isEqualTo(200);
        assertThat(idpHealth.json().get("issuer").asString()).isEqualTo(issuer);
        assertThat(idpHealth.json().get("jwksReachable").asBoolean()).isTrue();
        assertThat(idpHealth.json().get("keyCount").asInt()).isGreaterThan(0);
        assertThat(http.get(gateway.url("/health/auth0")).json().get("issuer").asString()).isEqualTo(issuer);
        Http.Response health = http.get(gateway.url("/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("mode").asString()).isEqualTo("production");
        assertThat(health.json().get("ok").asBoolean()).isTrue();
    }
}
