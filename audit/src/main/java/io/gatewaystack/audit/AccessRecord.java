package io.gatewaystack.audit;

import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;

/**
 * One line of the access log: who called what, and what the gateway decided. Never a token, a header value, a
 * body or a query string (those can carry secrets and personal data).
 *
 * @param epochMillis   when the request arrived
 * @param requestId     the correlation id sent back as {@code X-Request-Id}
 * @param method        HTTP method
 * @param path          the full request path without the query string
 * @param route         the gateway route that matched, or null
 * @param status        HTTP status sent
 * @param latencyMicros time from arrival to the end of the response
 * @param subject       the verified user, or null
 * @param orgId         the verified org, or null
 * @param decision      {@code allow} when every layer let the request through, else {@code deny}
 * @param error         the contract error code when the answer was an error, else null
 */
public record AccessRecord(
        long epochMillis,
        String requestId,
        String method,
        String path,
        String route,
        int status,
        long latencyMicros,
        String subject,
        String orgId,
        String decision,
        String error) {

    public static AccessRecord of(RequestContext ctx) {
        Identity id = ctx.identity();
        return new AccessRecord(
                ctx.startEpochMillis(),
                ctx.requestId(),
                ctx.method(),
                ctx.path(),
                ctx.routeName(),
                ctx.responseStatus(),
                ctx.latencyNanos() / 1_000,
                id == null ? null : id.subject(),
                id == null ? null : id.orgId(),
                ctx.rejection() == null ? "allow" : "deny",
                ctx.errorCode());
    }
}
