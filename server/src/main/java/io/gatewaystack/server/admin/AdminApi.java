package io.gatewaystack.server.admin;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.server.admin.limits.LimitsView;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The admin JSON API under {@code /admin/api/}: what the console and the CLI ({@code gatewaystack usage --gateway})
 * call. Every request has passed identity and {@link AdminAccess}; the {@link Viewer} decides how much of the data
 * it sees. The endpoints (all {@code GET} unless marked):
 *
 * <pre>
 * me                      who is logged in, and whether they see all tenants
 * health                  every layer and dependency
 * metrics                 live request rate, error and deny rates, latency percentiles (last 5 minutes)
 * live                    server-sent events: each audit event as the pipeline delivers it
 * audit/events            search (user, org, tenant, route, model, tool, decision, rule, status, error, from, to,
 *                         since, limit, cursor)
 * audit/events/{id}       one event with its whole decision trail
 * audit/facets            values seen per column, for the search form
 * audit/export            the search as CSV or JSON lines (format=csv|json)
 * audit/verify            the last chain verification; POST runs one
 * usage                   the usage report (by, since, format=json|table|csv)
 * usage/series            per-bucket cost, requests and tokens of the top keys (by, since, from, to)
 * policies                loaded rules and recent shadow disagreements
 * policies/test  (POST)   decide a described request
 * limits                  limit rules, rate usage per key, reservations in flight (and budgets, when the limits
 *                         layer has them)
 * </pre>
 */
public final class AdminApi implements Terminal {

    static final String PREFIX = "/admin/api/";

    private final HealthApi health;
    private final LiveFeed live;
    private final AuditApi audit;
    private final UsageApi usage;
    private final PolicyApi policies;
    private final LimitsView limits;
    private final Replies replies;

    AdminApi(HealthApi health, LiveFeed live, AuditApi audit, UsageApi usage, PolicyApi policies, LimitsView limits,
             Replies replies) {
        this.health = health;
        this.live = live;
        this.audit = audit;
        this.usage = usage;
        this.policies = policies;
        this.limits = limits;
        this.replies = replies;
    }

    @Override
    public void handle(HttpServerRequest request, RequestContext ctx) {
        Viewer viewer = Viewer.of(ctx.identity());
        String path = request.path().substring(PREFIX.length());
        boolean get = "GET".equals(request.method().name()) || "HEAD".equals(request.method().name());
        try {
            if (get) {
                routeGet(request, ctx, viewer, path);
            } else {
                routePost(request, ctx, viewer, path);
            }
        } catch (IllegalArgumentException bad) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, bad.getMessage());
        }
    }

    private void routeGet(HttpServerRequest request, RequestContext ctx, Viewer viewer, String path) {
        switch (path) {
            case "me" -> Replies.json(request, 200, me(ctx.identity(), viewer));
            case "health" -> Replies.json(request, 200, health.health());
            case "metrics" -> metrics(request, ctx);
            case "live" -> live(request, ctx, viewer);
            case "audit/events" -> needsStore(request, ctx, audit, () -> audit.search(request, ctx, viewer));
            case "audit/facets" -> needsStore(request, ctx, audit, () -> audit.facets(request, ctx, viewer));
            case "audit/export" -> needsStore(request, ctx, audit, () -> audit.export(request, ctx, viewer));
            case "audit/verify" -> needsStore(request, ctx, audit, () -> audit.verification(request, viewer));
            case "usage" -> needsStore(request, ctx, usage, () -> usage.report(request, ctx, viewer));
            case "usage/series" -> needsStore(request, ctx, usage, () -> usage.series(request, ctx, viewer));
            case "policies" -> policies.rules(request, ctx, viewer);
            case "limits" -> limits(request, ctx, viewer);
            default -> {
                if (path.startsWith("audit/events/")) {
                    needsStore(request, ctx, audit, () -> audit.event(request, ctx, viewer, path.substring("audit/events/".length())));
                } else if (knownPost(path)) {
                    replies.error(request, ctx, ErrorCode.METHOD_NOT_ALLOWED, "Use POST for " + PREFIX + path + ".");
                } else {
                    replies.error(request, ctx, ErrorCode.NOT_FOUND, "No such admin API endpoint.");
                }
            }
        }
    }

    private void routePost(HttpServerRequest request, RequestContext ctx, Viewer viewer, String path) {
        switch (path) {
            case "audit/verify" -> needsStore(request, ctx, audit, () -> audit.verify(request, ctx, viewer));
            case "policies/test" -> policies.test(request, ctx, viewer);
            default -> replies.error(request, ctx, knownPost(path) || path.startsWith("audit/events/") || isGet(path)
                    ? ErrorCode.METHOD_NOT_ALLOWED : ErrorCode.NOT_FOUND, "No such admin API endpoint for POST.");
        }
    }

    private static boolean knownPost(String path) {
        return path.equals("policies/test");
    }

    private static boolean isGet(String path) {
        return switch (path) {
            case "me", "health", "metrics", "live", "audit/events", "audit/facets", "audit/export", "usage",
                 "usage/series", "policies", "limits" -> true;
            default -> false;
        };
    }

    /** The sections may need a store read (Redis budgets): answered when it completes, on this event loop. */
    private void limits(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        Context eventLoop = Vertx.currentContext();
        limits.sections(viewer.tenant()).whenComplete((sections, failure) -> eventLoop.runOnContext(v -> {
            if (request.response().ended() || request.response().closed()) {
                return;
            }
            if (failure != null) {
                replies.error(request, ctx, ErrorCode.UNAVAILABLE, "The limits store cannot be read right now.");
            } else {
                Replies.json(request, 200, Map.of("sections", sections));
            }
        }));
    }

    private void needsStore(HttpServerRequest request, RequestContext ctx, Object part, Runnable run) {
        if (part == null) {
            replies.error(request, ctx, ErrorCode.NOT_FOUND, "The audit trail is turned off (audit.enabled: false).");
            return;
        }
        run.run();
    }

    private static Map<String, Object> me(Identity identity, Viewer viewer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sub", identity.subject());
        m.put("name", identity.name());
        m.put("email", identity.email());
        m.put("org", identity.orgId());
        m.put("tenant", viewer.tenant());
        m.put("all_tenants", viewer.global());
        m.put("scopes", identity.scopes());
        m.put("roles", identity.roles());
        m.put("expires_at", identity.expiresAt() == null ? null : identity.expiresAt().toString());
        return m;
    }

    private void metrics(HttpServerRequest request, RequestContext ctx) {
        if (live == null) {
            replies.error(request, ctx, ErrorCode.NOT_FOUND, "Live metrics come from the audit trail, which is turned off.");
            return;
        }
        int window = Params.integer(request, "window", 60, 5, TrafficStats.SECONDS - 1);
        Replies.json(request, 200, live.stats().snapshot(System.currentTimeMillis(), window, 5));
    }

    /**
     * Server-sent events until the client goes away or the token expires (the stream ends then; the console logs
     * in again). A comment line every 15 s keeps proxies from closing an idle stream.
     */
    private void live(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        if (live == null) {
            replies.error(request, ctx, ErrorCode.NOT_FOUND, "The live view comes from the audit trail, which is turned off.");
            return;
        }
        Context context = Vertx.currentContext();
        HttpServerResponse response = request.response();
        LiveFeed.Viewer subscription = live.subscribe(context, response, viewer.tenant());
        if (subscription == null) {
            replies.error(request, ctx, ErrorCode.UNAVAILABLE, "Too many live viewers; try again later.");
            return;
        }
        response.setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store")
                .putHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        response.write(": connected\n\n");
        Vertx vertx = context.owner();
        Instant expires = ctx.identity().expiresAt();
        long timer = vertx.setPeriodic(15_000, id -> {
            if (response.ended() || response.closed()) {
                subscription.close();
                vertx.cancelTimer(id);
            } else if (expires != null && Instant.now().isAfter(expires)) {
                subscription.close();
                vertx.cancelTimer(id);
                response.end("event: expired\ndata: {}\n\n");
            } else {
                response.write(": keep-alive\n\n");
            }
        });
        response.exceptionHandler(failure -> {
            subscription.close();
            vertx.cancelTimer(timer);
        });
    }
}
