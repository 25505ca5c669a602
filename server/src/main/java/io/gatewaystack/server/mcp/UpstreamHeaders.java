package io.gatewaystack.server.mcp;

import io.gatewaystack.core.HeaderField;
import io.gatewaystack.core.RequestContext;
import java.util.LinkedHashMap;
import java.util.Map;

/** The headers layers asked to add upstream (a policy's "add header"), as the tool invoker takes them. */
final class UpstreamHeaders {

    private UpstreamHeaders() {
    }

    static Map<String, String> of(RequestContext ctx) {
        if (ctx.upstreamHeaders().isEmpty()) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (HeaderField h : ctx.upstreamHeaders()) {
            headers.put(h.name(), h.value());
        }
        return headers;
    }
}
