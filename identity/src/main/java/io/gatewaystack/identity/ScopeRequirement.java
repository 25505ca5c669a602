package io.gatewaystack.identity;

import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;

import java.util.List;

/**
 * Requires the verified identity to hold every listed scope, by exact string match ({@code tool.read} is not
 * {@code toolXread} and not {@code tool.read.all}). Runs after {@link IdentityLayer}.
 */
public final class ScopeRequirement implements Layer {

    private static final Verdict NO_IDENTITY = Verdict.reject(TokenErrors.MISSING);

    private final List<String> requiredScopes;
    private final Verdict insufficient;

    public ScopeRequirement(List<String> requiredScopes) {
        this.requiredScopes = List.copyOf(requiredScopes);
        this.insufficient = Verdict.reject(GatewayError.insufficientScope(this.requiredScopes));
    }

    @Override
    public String name() {
        return "scopes";
    }

    public List<String> requiredScopes() {
        return requiredScopes;
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        Identity identity = context.identity();
        if (identity == null) {
            return NO_IDENTITY;
        }
        return identity.hasAllScopes(requiredScopes) ? Verdict.proceed() : insufficient;
    }
}
