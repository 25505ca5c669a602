package io.gatewaystack.identity;

import io.gatewaystack.core.Identity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimMapperTest {

    final ClaimMapper mapper = new ClaimMapper(ClaimMapping.defaults(), "https://issuer");

    Identity map(Map<String, Object> claims) {
        return mapper.toIdentity(claims, "user-1", Instant.ofEpochSecond(2_000_000_000L));
    }

    @Test
    void scopesFromStringArrayAndPermissionsAreMergedInOrderWithoutDuplicates() {
        Identity identity = map(Map.of(
                "scope", " a  b ",
                "scp", List.of("b", "c"),
                "permissions", List.of("d", "a")));
        assertThat(identity.scopes()).containsExactly("a", "b", "c", "d");
    }

    @Test
    void literalNameWinsOverDottedPath() {
        Map<String, Object> claims = Map.of(
                "realm_access.roles", List.of("literal"),
                "realm_access", Map.of("roles", List.of("nested")));
        assertThat(ClaimMapper.lookup(claims, "realm_access.roles")).isEqualTo(List.of("literal"));
        assertThat(ClaimMapper.lookup(Map.of("realm_access", Map.of("roles", List.of("nested"))),
                "realm_access.roles")).isEqualTo(List.of("nested"));
        assertThat(ClaimMapper.lookup(Map.of("a", "scalar"), "a.b")).isNull();
    }

    @Test
    void clientIdPrefersAzpAndOnlyStringsAreTaken() {
        assertThat(map(Map.of("azp", "web", "client_id", "cli")).clientId()).isEqualTo("web");
        assertThat(map(Map.of("client_id", "cli")).clientId()).isEqualTo("cli");
        Identity identity = map(Map.of("email", 42, "name", List.of("x"), "plan", "pro", "org_id", 7));
        assertThat(identity.email()).isNull();
        assertThat(identity.name()).isNull();
        assertThat(identity.orgId()).isNull();
        assertThat(identity.plan()).isEqualTo("pro");
    }

    @Test
    void tenantTakesTheFirstPresentClaim() {
        assertThat(map(Map.of("tid", "entra", "tenant_id", "own")).tenantId()).isEqualTo("own");
        assertThat(map(Map.of("tid", "entra")).tenantId()).isEqualTo("entra");
    }

    @Test
    void claimsBecomePlainImmutableValues() {
        Map<String, Object> raw = new HashMap<>();
        raw.put("exp", new Date(2_000_000_000_000L));
        raw.put("gone", null);
        raw.put("list", java.util.Arrays.asList("a", null, 1));
        Identity identity = map(raw);
        assertThat(identity.claims()).containsEntry("exp", 2_000_000_000L)
                .containsEntry("list", List.of("a", 1))
                .doesNotContainKey("gone");
    }
}
