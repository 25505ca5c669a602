package io.gatewaystack.proxy.upstream;

/**
 * Credentials for an upstream could not be produced: the client sent no token for {@code forward_bearer} or
 * {@code user_oauth}, or the token endpoint failed, timed out or answered something unusable. The server maps it to
 * 502 {@code upstream_error}. The message never contains a secret or a token.
 */
public final class UpstreamAuthException extends RuntimeException {

    public UpstreamAuthException(String message) {
        super(message);
    }

    public UpstreamAuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
