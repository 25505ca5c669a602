package io.gatewaystack.server.admin;

import io.gatewaystack.core.Identity;

/**
 * Who is looking at the console, and at what: a global admin sees every tenant ({@code tenant} null); an admin
 * whose token carries a tenant claim sees only that tenant's data.
 */
public record Viewer(String subject, String tenant) {

    public static Viewer of(Identity identity) {
        return new Viewer(identity.subject(), identity.tenantId());
    }

    public boolean global() {
        return tenant == null;
    }
}
