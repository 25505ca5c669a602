package io.gatewaystack.server.admin;

import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import java.util.List;

/**
 * The admin API's authorization: the verified identity must hold the admin scope, or a role of the same name
 * (IdPs differ in where they put it). Anything else gets 403 {@code insufficient_scope}. Runs after identity.
 */
public final class AdminAccess implements Layer {

    private final String scope;
    private final Verdict denied;

    public AdminAccess(String scope) {
        this.scope = scope;
        this.denied = Verdict.reject(GatewayError.insufficientScope(List.of(scope)));
    }

    @Override
    public String name() {
        return "admin-access";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        Identity identity = context.identity();
        if (identity == null) {
            return denied; // the identity layer runs first and rejects a missing token; this is belt and braces
        }
        return allowed(identity) ? Verdict.proceed() : denied;
    }

    public boolean allowed(Identity identity) {
        return identity.hasScope(scope) || identity.roles().contains(scope);
    }

    public String scope() {
        return scope;
    }
}
