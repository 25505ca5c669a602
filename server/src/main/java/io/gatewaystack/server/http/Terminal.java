package io.gatewaystack.server.http;

import io.gatewaystack.core.RequestContext;
import io.vertx.core.http.HttpServerRequest;

/** What a route does once every layer let the request through: answer it, or forward it upstream. */
@FunctionalInterface
public interface Terminal {
    /** Runs on the request's event loop; must write a response (or an error) and must not block. */
    void handle(HttpServerRequest request, RequestContext context);
}
