package io.gatewaystack.identity;

import java.util.List;

/**
 * Which token claims become which {@link io.gatewaystack.core.Identity} fields, for one issuer.
 *
 * <p>Each entry is a claim path. A path is first looked up as a literal claim name (so namespaced claims such as
 * {@code https://example.com/org_id} work), then as a dotted path into nested objects (such as Keycloak's
 * {@code realm_access.roles}). For lists of paths the first present claim wins for single values (org, tenant),
 * and all present claims are merged for multi-values (roles, scopes). Values may be strings (space separated for
 * scopes) or arrays of strings.
 */
public record ClaimMapping(
        List<String> orgClaims,
        List<String> tenantClaims,
        List<String> roleClaims,
        List<String> scopeClaims,
        String emailClaim,
        String nameClaim,
        String planClaim) {

    /** Null lists mean "no such claim"; a null single claim name means the field stays empty. */
    public ClaimMapping {
        orgClaims = orgClaims == null ? List.of() : List.copyOf(orgClaims);
        tenantClaims = tenantClaims == null ? List.of() : List.copyOf(tenantClaims);
        roleClaims = roleClaims == null ? List.of() : List.copyOf(roleClaims);
        scopeClaims = scopeClaims == null ? List.of() : List.copyOf(scopeClaims);
    }

    /** Defaults that fit Auth0, Okta, Entra ID, Keycloak and the demo issuer without configuration. */
    public static ClaimMapping defaults() {
        return new ClaimMapping(
                List.of("org_id"),
                List.of("tenant_id", "tid"),
                List.of("roles", "realm_access.roles"),
                List.of("scope", "scp", "permissions"),
                "email", "name", "plan");
    }
}
