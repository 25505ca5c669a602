package io.gatewaystack.server.config;

import java.util.List;

/**
 * The admin console at {@code /admin} and its JSON API at {@code /admin/api/...}.
 *
 * @param enabled  whether {@code /admin} is served at all
 * @param scope    the scope (or role) an identity needs to use the admin API; default {@code gateway:admin}
 * @param clientId the OAuth client id the console's browser login (authorization code + PKCE) uses
 * @param loginScopes the scopes the console asks the issuer for at login
 * @param audience sent as {@code audience} on the authorization request (Auth0 needs it to issue an access token
 *                 for this API), or null to send none; default the primary issuer's first audience
 */
public record AdminSettings(boolean enabled, String scope, String clientId, List<String> loginScopes, String audience) {

    public static final String DEFAULT_SCOPE = "gateway:admin";
    public static final String DEFAULT_CLIENT_ID = "gatewaystack-console";

    public AdminSettings {
        loginScopes = List.copyOf(loginScopes);
    }

    public static AdminSettings defaults() {
        return new AdminSettings(true, DEFAULT_SCOPE, DEFAULT_CLIENT_ID, List.of("openid", DEFAULT_SCOPE), null);
    }
}
