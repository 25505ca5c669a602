package io.gatewaystack.server.mcp;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.mcp.ToolDefinition;
import io.gatewaystack.mcp.ToolFilter;
import io.gatewaystack.policy.PolicyLayer;
import java.util.function.Predicate;

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
        RequestContext probe = probe(identity);
        probe.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, tool.name()));
        return policy.onRequest(probe).isProceed();
    }

    /** The policy layer's per-caller allowance: the caller's facts once, then one rule evaluation per tool. */
    @Override
    public Predicate<ToolDefinition> forCaller(Identity identity) {
        if (!(policy instanceof PolicyLayer layer)) {
            return ToolFilter.super.forCaller(identity);
        }
        Predicate<String> allowed = layer.toolAllowance(probe(identity));
        return tool -> allowed.test(tool.name());
    }

    /** A call to a tool on /mcp by this caller, without arguments. */
    private static RequestContext probe(Identity identity) {
        RequestContext probe = RequestContext.builder().requestId("tools-list").method("POST").path("/mcp")
                .routeName("mcp").build();
        probe.identity(identity);
        return probe;
    }
}
