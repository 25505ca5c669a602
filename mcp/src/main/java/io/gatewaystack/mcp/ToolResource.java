package io.gatewaystack.mcp;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Verdict;

/**
 * The REST tool gateway's resource layer ({@code POST /tools/{name}}): takes the tool name from the path, answers
 * 404 for an unknown (or filtered-out) tool and 403 {@code insufficient_scope} when the token lacks a scope the tool
 * requires, and sets {@code ctx.resource(TOOL, name)} for the policy and limits layers after it. Put it after
 * identity; it does not need the body.
 */
public final class ToolResource implements Layer {

    private final ToolRegistry registry;
    private final ToolFilter filter;
    private final String prefix;

    /** @param prefix the path before the tool name, e.g. {@code /tools/} */
    public ToolResource(ToolRegistry registry, ToolFilter filter, String prefix) {
        this.registry = registry;
        this.filter = filter == null ? ToolFilter.ALLOW_ALL : filter;
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
    }

    @Override
    public String name() {
        return "tool-resource";
    }

    /** The tool name in a path, or null. */
    public String toolName(String path) {
        if (path == null || !path.startsWith(prefix)) {
            return null;
        }
        String name = path.substring(prefix.length());
        return ToolDefinition.NAME.matcher(name).matches() ? name : null;
    }

    @Override
    public Verdict onRequest(RequestContext ctx) {
        String name = toolName(ctx.path());
        if (name == null) {
            return Verdict.reject(ErrorCode.INVALID_REQUEST, "Invalid tool name.");
        }
        ToolDefinition tool = registry.get(name);
        if (tool == null || !filter.allows(ctx.identity(), tool)) {
            return Verdict.reject(ErrorCode.NOT_FOUND, "Unknown tool: " + name + ".");
        }
        ctx.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, name));
        if (!ToolRegistry.hasScopes(ctx.identity(), tool)) {
            return Verdict.reject(GatewayError.insufficientScope(tool.requiredScopes()));
        }
        return Verdict.proceed();
    }
}
