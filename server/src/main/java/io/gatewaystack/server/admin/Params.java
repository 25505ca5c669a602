package io.gatewaystack.server.admin;

import io.gatewaystack.audit.store.AuditSearch;
import io.gatewaystack.audit.store.TimeArgument;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/** Query parameters of the admin API: times, numbers and the audit filter, with 400-worthy messages. */
final class Params {

    private Params() {
    }

    static String text(HttpServerRequest request, String name) {
        String v = request.getParam(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        if (v.length() > 500) {
            throw new IllegalArgumentException(name + " is too long");
        }
        return v.trim();
    }

    static int integer(HttpServerRequest request, String name, int fallback, int min, int max) {
        String v = text(request, name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max);
        }
    }

    /**
     * A point in time: a relative age ({@code 30m}, {@code 24h}, {@code 7d}, {@code 2w}: that long before now), a
     * date ({@code 2026-01-31}, UTC midnight), an ISO-8601 instant, or epoch milliseconds.
     */
    static Long time(HttpServerRequest request, String name, Instant now) {
        String v = text(request, name);
        return v == null ? null : TimeArgument.parse(name, v, now);
    }

    /** The audit filter from the query ({@code user}, {@code org}, {@code tenant}, {@code model}...). */
    static AuditSearch.Filter filter(HttpServerRequest request, Viewer viewer, Instant now) {
        String decision = text(request, "decision");
        if (decision != null && !decision.equals("allow") && !decision.equals("deny")) {
            throw new IllegalArgumentException("decision must be allow or deny");
        }
        Long from = time(request, "from", now);
        if (from == null) {
            from = time(request, "since", now);
        }
        return new AuditSearch.Filter(text(request, "user"), text(request, "org"),
                viewer.global() ? text(request, "tenant") : viewer.tenant(), text(request, "route"),
                text(request, "model"), text(request, "tool"), decision, text(request, "rule"),
                text(request, "status"), text(request, "error"), from, time(request, "to", now),
                "true".equals(text(request, "shadow")));
    }
}
