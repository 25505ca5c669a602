package io.gatewaystack.identity;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens from a real in-process OIDC provider, with the JWKS found through its discovery document. */
class MockOAuth2ServerTest {

    static final String AUDIENCE = "api://gateway";
    static MockOAuth2Server server;
    static String issuer;

    @BeforeAll
    static void start() throws Exception {
        server = new MockOAuth2Server();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        issuer = server.issuerUrl("default").toString(); // http://localhost:<port>/default
    }

    @AfterAll
    static void stop() {
        server.shutdown();
    }

    static TokenVerifier verifier(ClaimMapping mapping) {
        // jwksUri null: the verifier must find it through discovery.
        IssuerConfig config = new IssuerConfig(issuer, List.of(AUDIENCE), null, Set.of("RS256"),
                Duration.ofSeconds(60), mapping);
        return new TokenVerifier(IdentityConfig.of(List.of(config)));
    }

    static String token(String subject, List<String> audience, Map<String, Object> claims) {
        return server.issueToken("default", "client-1",
                new DefaultOAuth2TokenCallback("default", subject, "JWT", audience, claims, 300)).serialize();
    }

    @Test
    void mapsScopesRolesOrgNestedRolesAndPermissions() {
        String token = token("user-42", List.of(AUDIENCE), Map.of(
                "scope", "tool.read tool.write",
                "roles", List.of("admin"),
                "org_id", "acme",
                "tid", "tenant-9",
                "realm_access", Map.of("roles", List.of("kc-user", "admin")),
                "permissions", List.of("read:docs", "tool.read")));

        try (TokenVerifier verifier = verifier(ClaimMapping.defaults())) {
            VerificationResult result = verifier.verify(token);

            assertThat(result).isInstanceOf(VerificationResult.Verified.class);
            Identity identity = ((VerificationResult.Verified) result).identity();
            assertThat(identity.subject()).isEqualTo("user-42");
            assertThat(identity.issuer()).isEqualTo(issuer);
            assertThat(identity.scopes()).containsExactly("tool.read", "tool.write", "read:docs");
            assertThat(identity.roles()).containsExactly("admin", "kc-user");
            assertThat(identity.orgId()).isEqualTo("acme");
            assertThat(identity.tenantId()).isEqualTo("tenant-9");

            assertThat(verifier.status()).singleElement().satisfies(status -> {
                assertThat(status.jwksUri()).isEqualTo(server.jwksUrl("default").toString());
                assertThat(status.jwksReachable()).isTrue();
                assertThat(status.keyCount()).isPositive();
            });
        }
    }

    @Test
    void namespacedClaimThroughACustomMapping() {
        ClaimMapping mapping = new ClaimMapping(List.of("https://example.com/org"), List.of(),
                List.of("https://example.com/roles"), List.of("scp"), "email", "name", "https://example.com/plan");
        String token = token("auth0|abc", List.of(AUDIENCE), Map.of(
                "https://example.com/org", "org-7",
                "https://example.com/roles", List.of("editor"),
                "https://example.com/plan", "pro",
                "scp", List.of("files.read", "files.write")));

        try (TokenVerifier verifier = verifier(mapping)) {
            Identity identity = ((VerificationResult.Verified) verifier.verify(token)).identity();
            assertThat(identity.orgId()).isEqualTo("org-7");
            assertThat(identity.roles()).containsExactly("editor");
            assertThat(identity.plan()).isEqualTo("pro");
            assertThat(identity.scopes()).containsExactly("files.read", "files.write");
        }
    }

    @Test
    void tokenForAnotherAudienceOrFromAnotherIssuerIdIsRejected() {
        String otherAudience = token("user-42", List.of("api://someone-else"), Map.of());
        String otherIssuer = server.issueToken("other", "client-1",
                new DefaultOAuth2TokenCallback("other", "user-42", "JWT", List.of(AUDIENCE), Map.of(), 300))
                .serialize();

        try (TokenVerifier verifier = verifier(ClaimMapping.defaults())) {
            assertThat(verifier.verify(otherAudience)).isInstanceOfSatisfying(VerificationResult.Rejected.class,
                    r -> assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID_TOKEN));
            assertThat(verifier.verify(otherIssuer)).isInstanceOfSatisfying(VerificationResult.Rejected.class,
                    r -> assertThat(r.error().code()).isEqualTo(ErrorCode.INVALID_TOKEN));
        }
    }

    @Test
    void warmUpFetchesTheKeysBeforeTheFirstToken() {
        try (TokenVerifier verifier = verifier(ClaimMapping.defaults())) {
            assertThat(verifier.status().getFirst().jwksReachable()).isFalse();
            verifier.warmUp();
            assertThat(verifier.status().getFirst().jwksReachable()).isTrue();
            assertThat(verifier.status().getFirst().keyCount()).isPositive();
        }
    }
}
