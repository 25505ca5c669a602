package io.gatewaystack.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The verified user behind a request, normalised from an access token's claims.
 *
 * <p>Every field comes from a token whose signature, issuer, audience and lifetime were checked; nothing here is
 * ever taken from a client-supplied header. Lists are immutable and never null.
 *
 * @param subject   the token's {@code sub}: the user id every other layer keys on
 * @param issuer    the issuer that signed the token, normalised without a trailing slash
 * @param orgId     organisation from the configured org claim, or null
 * @param tenantId  tenant from the configured tenant claim, or null
 * @param roles     roles from the configured role claims
 * @param scopes    scopes from {@code scope}/{@code scp} and, when configured, Auth0 {@code permissions}
 * @param email     the {@code email} claim when present
 * @param name      the {@code name} claim when present
 * @param plan      the configured plan claim when present
 * @param clientId  the OAuth client that obtained the token ({@code azp} or {@code client_id}), or null
 * @param expiresAt the token's {@code exp}
 * @param claims    every claim of the token, for rules that need a claim this record does not name
 */
public record Identity(
        String subject,
        String issuer,
        String orgId,
        String tenantId,
        List<String> roles,
        List<String> scopes,
        String email,
        String name,
        String plan,
        String clientId,
        Instant expiresAt,
        Map<String, Object> claims) {

    public Identity {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        roles = List.copyOf(roles);
        scopes = List.copyOf(scopes);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }

    /** Exact scope match: {@code tool.read} never matches {@code toolXread} or {@code tool.read.all}. */
    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    public boolean hasAllScopes(List<String> required) {
        return scopes.containsAll(required);
    }

    /** A readable form for logs that never includes claims (which may carry personal data). */
    @Override
    public String toString() {
        return "Identity[sub=" + subject + ", iss=" + issuer + ", org=" + orgId + ", tenant=" + tenantId + "]";
    }
}
