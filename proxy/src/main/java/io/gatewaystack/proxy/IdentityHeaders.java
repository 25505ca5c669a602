package io.gatewaystack.proxy;

import io.gatewaystack.core.Identity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The identity headers the gateway sends to a backend, from the verified identity only.
 *
 * <p>The contract's headers: {@code X-User-Id} (sub), {@code X-Org-Id}, {@code X-Tenant-Id}, {@code X-User-Roles}
 * and {@code X-User-Scopes} (space separated), {@code X-User-Email}, {@code X-Request-Id} and the signed
 * {@code X-Gateway-Identity} assertion. A backend can therefore filter data per user without seeing the token.
 */
public final class IdentityHeaders {

    public static final String USER_ID = "X-User-Id";
    public static final String ORG_ID = "X-Org-Id";
    public static final String TENANT_ID = "X-Tenant-Id";
    public static final String USER_ROLES = "X-User-Roles";
    public static final String USER_SCOPES = "X-User-Scopes";
    public static final String USER_EMAIL = "X-User-Email";
    public static final String REQUEST_ID = "X-Request-Id";
    public static final String GATEWAY_IDENTITY = "X-Gateway-Identity";

    /** Lower-case names a client may never set: whatever it sends under these names is removed before forwarding. */
    public static final Set<String> RESERVED = Set.of(
            "x-user-id", "x-org-id", "x-tenant-id", "x-user-roles", "x-user-scopes", "x-user-email",
            "x-request-id", "x-gateway-identity");

    /**
     * One header to set on the upstream request. Name and value are CharSequences so that an HTTP server adapter
     * can hold them in a pre-encoded form (e.g. Netty's AsciiString, copied to the wire in bulk).
     */
    public record Header(CharSequence name, CharSequence value) {
    }

    private IdentityHeaders() {
    }

    /**
     * The headers for one identity, without {@code X-Request-Id} (which changes per request). Absent optional
     * facts (org, tenant, email) are left out rather than sent empty; roles and scopes are always sent so "none"
     * is explicit.
     *
     * @param extraUserIdHeader an additional header carrying the subject ({@code PROXY_INJECT_HEADER}), or null
     * @param assertion         the signed identity assertion, or null to send none
     */
    public static List<Header> forIdentity(Identity identity, String extraUserIdHeader, String assertion) {
        List<Header> headers = new ArrayList<>(9);
        headers.add(new Header(USER_ID, headerSafe(identity.subject())));
        if (extraUserIdHeader != null && !extraUserIdHeader.equalsIgnoreCase(USER_ID)) {
            headers.add(new Header(extraUserIdHeader, headerSafe(identity.subject())));
        }
        if (identity.orgId() != null) {
            headers.add(new Header(ORG_ID, headerSafe(identity.orgId())));
        }
        if (identity.tenantId() != null) {
            headers.add(new Header(TENANT_ID, headerSafe(identity.tenantId())));
        }
        headers.add(new Header(USER_ROLES, headerSafe(String.join(" ", identity.roles()))));
        headers.add(new Header(USER_SCOPES, headerSafe(String.join(" ", identity.scopes()))));
        if (identity.email() != null) {
            headers.add(new Header(USER_EMAIL, headerSafe(identity.email())));
        }
        if (assertion != null) {
            headers.add(new Header(GATEWAY_IDENTITY, assertion));
        }
        return List.copyOf(headers);
    }

    /** True when a client-sent header of this name must be dropped because the gateway owns it. */
    public static boolean isReserved(String lowerCaseName, String extraUserIdHeaderLower) {
        return RESERVED.contains(lowerCaseName) || lowerCaseName.equals(extraUserIdHeaderLower);
    }

    /**
     * Claim values are attacker-influenced strings (a user may pick their own display name or email at some
     * IdPs). Control characters would split headers and non-ASCII is not portable in HTTP/1.1 field values, so
     * both become '?'; the exact values travel in the signed assertion.
     */
    static String headerSafe(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                return replaceUnsafe(value);
            }
        }
        return value;
    }

    private static String replaceUnsafe(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(c < 0x20 || c >= 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
