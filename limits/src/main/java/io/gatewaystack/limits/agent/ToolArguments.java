package io.gatewaystack.limits.agent;

import io.gatewaystack.core.RequestContext;
import tools.jackson.databind.JsonNode;

/**
 * Where a route's tool call keeps its arguments, for the loop check. The guard reads them after the transform and
 * policy layers, so it sees what is forwarded (redacted values included: identical calls stay identical).
 */
@FunctionalInterface
public interface ToolArguments {

    /** The arguments of this request's tool call; null or a missing node count as no arguments ({@code {}}). */
    JsonNode of(RequestContext ctx);

    /** {@code POST /tools/{name}}: the JSON body is the arguments. */
    ToolArguments REQUEST_BODY = ctx -> ctx.body() == null ? null : ctx.body().json();

    /**
     * MCP: {@code params.arguments} of the request's {@code tools/call} (the one in a batch; the MCP resource
     * layer refuses batches with more than one).
     */
    ToolArguments MCP_TOOLS_CALL = ctx -> {
        JsonNode root = BodyJson.of(ctx.body());
        if (root == null) {
            return null;
        }
        if (root.isArray()) {
            for (JsonNode entry : root) {
                if (entry.isObject() && "tools/call".equals(entry.path("method").asString(null))) {
                    return entry.path("params").path("arguments");
                }
            }
            return null;
        }
        return root.path("params").path("arguments");
    };
}
