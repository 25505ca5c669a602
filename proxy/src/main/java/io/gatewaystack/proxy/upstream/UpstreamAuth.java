package io.gatewaystack.proxy.upstream;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * How the gateway authenticates to one upstream target. Credentials always come from the gateway's configuration
 * or from a token exchange, never from a client header (except {@link ForwardBearer}, which forwards the client's
 * already verified token). {@link UpstreamCredentials} turns a mode into upstream headers.
 *
 * <p>Every record's {@code toString()} is safe to log: secrets are {@link SecretValue}s.
 */
public sealed interface UpstreamAuth {

    /** The mode's configuration name ({@code api_key}, {@code forward_bearer}, ...). */
    String mode();

    /**
     * A static key sent in a header: {@code x-api-key} (Anthropic), {@code api-key} (Azure OpenAI), or
     * {@code Authorization} (OpenAI and compatibles), in which case {@code Bearer } is prefixed unless the value
     * already starts with an auth scheme ({@code Bearer }, {@code Basic }, ...).
     */
    record ApiKey(String headerName, SecretValue value) implements UpstreamAuth {
        public ApiKey {
            Objects.requireNonNull(headerName, "headerName");
            Objects.requireNonNull(value, "value");
            headerName = headerName.trim();
            if (!headerName.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")) {
                throw new IllegalArgumentException("api key header name '" + headerName + "' is not a header name");
            }
            if (value.reveal().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("api key from " + value.source()
                        + " contains control characters");
            }
        }

        /** {@code Authorization: Bearer <key>}. */
        public static ApiKey bearer(SecretValue value) {
            return new ApiKey("Authorization", value);
        }

        @Override
        public String mode() {
            return "api_key";
        }
    }

    /** The client's verified bearer token, forwarded as {@code Authorization: Bearer}. */
    record ForwardBearer() implements UpstreamAuth {
        @Override
        public String mode() {
            return "forward_bearer";
        }
    }

    /**
     * OAuth 2.0 client credentials grant (RFC 6749 §4.4), client authentication {@code client_secret_basic}; the
     * service token is cached until shortly before it expires.
     *
     * @param scope    space-separated scopes, or null
     * @param audience the {@code audience} parameter (Auth0 and others), or null
     */
    record ServiceOAuth(URI tokenEndpoint, String clientId, SecretValue clientSecret, String scope, String audience)
            implements UpstreamAuth {
        public ServiceOAuth {
            requireEndpoint(tokenEndpoint);
            requireClientId(clientId);
            Objects.requireNonNull(clientSecret, "clientSecret");
            scope = blankToNull(scope);
            audience = blankToNull(audience);
        }

        @Override
        public String mode() {
            return "service_oauth";
        }
    }

    /**
     * OAuth 2.0 token exchange (RFC 8693): the client's verified access token is exchanged for a token for the
     * upstream ({@code audience}, {@code scope}) on behalf of the user; client authentication
     * {@code client_secret_basic}; cached per user until shortly before it expires.
     */
    record UserOAuth(URI tokenEndpoint, String clientId, SecretValue clientSecret, String audience, String scope)
            implements UpstreamAuth {
        public UserOAuth {
            requireEndpoint(tokenEndpoint);
            requireClientId(clientId);
            Objects.requireNonNull(clientSecret, "clientSecret");
            scope = blankToNull(scope);
            audience = blankToNull(audience);
        }

        @Override
        public String mode() {
            return "user_oauth";
        }
    }

    /** No upstream credentials. */
    record None() implements UpstreamAuth {
        @Override
        public String mode() {
            return "none";
        }
    }

    private static void requireEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "tokenEndpoint");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || endpoint.getHost() == null) {
            throw new IllegalArgumentException("token endpoint must be an http(s) URL with a host");
        }
        if (endpoint.getRawUserInfo() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("token endpoint must not have userinfo or a fragment");
        }
    }

    private static void requireClientId(String clientId) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("client id is required");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
