package io.gatewaystack.server.mcp;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.ToolFilter;

/**
 * Which tools a user is shown: with a policy configured, a tool is listed only when a call to it by this user
 * would be allowed (or modified) — decided as the policy layer decides a real call, without arguments.
 */
public final class PolicyToolFilter implements ToolFilter {

    private final Layer policy;

    public PolicyToolFilter(Layer policy) {
        this.policy = policy;
    }

    /** ALLOW_ALL when there is no policy (scopes still filter). */
    public static ToolFilter of(Layer policy) {
        return policy == null ? ToolFilter.ALLOW_ALL : new PolicyToolFilter(policy);
    }

    @Override
    public boolean allows(Identity identity, ToolDefinition tool) {
        RequestContext probe = RequestContext.builder().requestId("tools-list").method("POST").path("/mcp")
                .routeName("mcp").build();
        probe.identity(identity);
        probe.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, tool.name()));
        return policy.onRequest(probe).isProceed();
    }
}
