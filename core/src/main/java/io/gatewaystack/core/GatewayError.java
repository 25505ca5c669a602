package io.gatewaystack.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An error answer of the gateway: {@code {"error": code, "error_description": description, ...details}}.
 *
 * <p>Layers deny by returning one of these inside a {@link Verdict}; they do not throw. The server turns it into
 * the HTTP response, adding {@code X-Request-Id} and, for authentication errors, the {@code WWW-Authenticate}
 * challenge.
 *
 * @param code        the contract's error code (and so the HTTP status)
 * @param description one human sentence; never a stack trace, never token contents
 * @param scope       the scopes to name in the {@code WWW-Authenticate} challenge, space separated, or null
 * @param details     extra body fields in order (e.g. {@code required_scopes}); immutable
 */
public record GatewayError(ErrorCode code, String description, String scope, Map<String, Object> details) {

    public GatewayError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(description, "description");
        details = details == null || details.isEmpty()
                ? Map.of()
                : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static GatewayError of(ErrorCode code, String description) {
        return new GatewayError(code, description, null, Map.of());
    }

    public static GatewayError insufficientScope(List<String> required) {
        return new GatewayError(ErrorCode.INSUFFICIENT_SCOPE,
                "The access token lacks a scope this resource requires.",
                String.join(" ", required),
                Map.of("required_scopes", List.copyOf(required)));
    }

    public int status() {
        return code.status();
    }
}
