package io.gatewaystack.server.routes;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.Terminal;

/** Terminals that answer with a fixed error: unknown routes, unsafe paths, routes that are not configured. */
public final class NotFound {

    private NotFound() {
    }

    public static Terminal error(ErrorResponder errors, ErrorCode code, String description) {
        GatewayError error = GatewayError.of(code, description);
        return (request, ctx) -> errors.send(request, ctx, error);
    }
}
