package io.gatewaystack.servlet;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.security.Principal;

/**
 * The request the application sees behind {@link GatewayStackFilter}: the verified {@link Identity} is its user
 * principal (named by the token's {@code sub}), {@link #isUserInRole} reads the identity's roles, and the identity
 * and the chain's {@link RequestContext} are request attributes. Nothing here comes from a client header.
 */
public final class GatewayStackRequest extends HttpServletRequestWrapper {

    /** Request attribute holding the verified {@link Identity} (absent when no identity layer ran). */
    public static final String IDENTITY_ATTRIBUTE = Identity.class.getName();
    /** Request attribute holding the chain's {@link RequestContext} (decisions of policy and limits). */
    public static final String CONTEXT_ATTRIBUTE = RequestContext.class.getName();

    private final Identity identity;

    GatewayStackRequest(HttpServletRequest request, RequestContext context) {
        super(request);
        this.identity = context.identity();
        request.setAttribute(CONTEXT_ATTRIBUTE, context);
        if (identity != null) {
            request.setAttribute(IDENTITY_ATTRIBUTE, identity);
        }
    }

    /** The verified identity of a request that passed the filter, or null. */
    public static Identity identity(ServletRequest request) {
        return request.getAttribute(IDENTITY_ATTRIBUTE) instanceof Identity id ? id : null;
    }

    /** The chain's context of a request that passed the filter, or null. */
    public static RequestContext context(ServletRequest request) {
        return request.getAttribute(CONTEXT_ATTRIBUTE) instanceof RequestContext ctx ? ctx : null;
    }

    @Override
    public Principal getUserPrincipal() {
        return identity == null ? super.getUserPrincipal() : new IdentityPrincipal(identity);
    }

    @Override
    public String getRemoteUser() {
        return identity == null ? super.getRemoteUser() : identity.subject();
    }

    @Override
    public boolean isUserInRole(String role) {
        return identity == null ? super.isUserInRole(role) : identity.roles().contains(role);
    }

    @Override
    public String getAuthType() {
        return identity == null ? super.getAuthType() : "Bearer";
    }

    /** The identity as a {@link Principal}; its name is the subject. */
    public record IdentityPrincipal(Identity identity) implements Principal {
        @Override
        public String getName() {
            return identity.subject();
        }
    }
}
