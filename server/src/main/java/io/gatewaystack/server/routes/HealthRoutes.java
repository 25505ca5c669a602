package io.gatewaystack.server.routes;

import io.gatewaystack.audit.AuditPipeline;
import io.gatewaystack.identity.IssuerStatus;
import io.gatewaystack.identity.TokenVerifier;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /health}: whether the gateway can serve (503 with {@code ok:false} when a fail-closed dependency,
 * today the issuers' signing keys, is unavailable). {@code GET /health/idp} (alias {@code /health/auth0}): the
 * identity provider's side in detail; it re-checks the JWKS (rate-limited by the identity layer) off the event
 * loop before answering.
 */
public final class HealthRoutes {

    private final TokenVerifier verifier;
    private final Executor blocking;
    private final String mode;
    private final String version;
    private final AuditPipeline audit;

    /** @param audit the audit pipeline, or null when auditing is off */
    public HealthRoutes(TokenVerifier verifier, Executor blocking, String mode, String version, AuditPipeline audit) {
        this.verifier = verifier;
        this.blocking = blocking;
        this.mode = mode;
        this.version = version;
        this.audit = audit;
    }

    public Terminal health() {
        return (request, ctx) -> {
            List<IssuerStatus> issuers = verifier.status();
            boolean keysAvailable = !issuers.isEmpty() && issuers.stream().allMatch(s -> s.keyCount() > 0);
            if (!keysAvailable) {
                retryKeyFetch();
            }
            Map<String, Object> jwks = new LinkedHashMap<>();
            jwks.put("ok", keysAvailable);
            jwks.put("issuers", issuers.stream().map(HealthRoutes::brief).toList());
            Map<String, Object> checks = new LinkedHashMap<>();
            checks.put("jwks", jwks);
            boolean auditOk = true;
            if (audit != null) {
                AuditPipeline.Health h = audit.health();
                auditOk = h.accepting();
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("ok", h.accepting());
                a.put("alarm", h.alarm());
                a.put("queue_depth", h.queueDepth());
                a.put("spool_bytes", h.spoolBytes());
                a.put("sinks", h.sinks());
                checks.put("audit", a);
            }
            boolean ok = keysAvailable && auditOk;
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", ok);
            body.put("mode", mode);
            body.put("version", version);
            body.put("time", Instant.now().toString());
            body.put("checks", checks);
            request.response()
                    .setStatusCode(ok ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(JsonBodies.encode(body));
        };
    }

    /** Nanos of the last background key fetch started by a health check. */
    private final java.util.concurrent.atomic.AtomicLong lastKeyFetch = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime() - KEY_FETCH_EVERY_NANOS);
    private static final long KEY_FETCH_EVERY_NANOS = 5_000_000_000L;

    /**
     * Keys are fetched at start and then on demand (a token with an unknown kid). If the start-up fetch failed (the
     * IdP was down or slow), nothing would fetch again until a token arrived — and a load balancer sends no traffic
     * to a replica whose health is 503. So a failing health check starts a background fetch, at most every 5 s.
     */
    private void retryKeyFetch() {
        long last = lastKeyFetch.get();
        long now = System.nanoTime();
        if (now - last >= KEY_FETCH_EVERY_NANOS && lastKeyFetch.compareAndSet(last, now)) {
            try {
                blocking.execute(verifier::warmUp);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                lastKeyFetch.set(last); // busy: the next health check tries again
            }
        }
    }

    public Terminal identityProvider() {
        return (request, ctx) -> {
            io.vertx.core.Context eventLoop = io.vertx.core.Vertx.currentContext();
            CompletableFuture.runAsync(verifier::warmUp, blocking)
                    .handle((ok, failure) -> verifier.status())
                    .thenAccept(issuers -> eventLoop.runOnContext(v -> request.response()
                            .putHeader("Content-Type", "application/json")
                            .putHeader("Cache-Control", "no-store")
                            .end(JsonBodies.encode(detail(issuers)))));
        };
    }

    private static Map<String, Object> brief(IssuerStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", s.issuer());
        m.put("jwksReachable", s.jwksReachable());
        m.put("keyCount", s.keyCount());
        return m;
    }

    static Map<String, Object> detail(List<IssuerStatus> issuers) {
        Map<String, Object> body = new LinkedHashMap<>();
        IssuerStatus first = issuers.isEmpty() ? null : issuers.get(0);
        body.put("issuer", first == null ? null : first.issuer());
        body.put("audience", first == null ? null : String.join(",", first.audiences()));
        body.put("jwksUri", first == null ? null : first.jwksUri());
        body.put("jwksReachable", first != null && first.jwksReachable());
        body.put("keyCount", first == null ? 0 : first.keyCount());
        List<Map<String, Object>> all = new ArrayList<>();
        for (IssuerStatus s : issuers) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("issuer", s.issuer());
            m.put("audiences", s.audiences());
            m.put("jwksUri", s.jwksUri());
            m.put("jwksReachable", s.jwksReachable());
            m.put("keyCount", s.keyCount());
            if (s.lastError() != null) {
                m.put("lastError", s.lastError());
            }
            all.add(m);
        }
        body.put("issuers", all);
        return body;
    }
}
