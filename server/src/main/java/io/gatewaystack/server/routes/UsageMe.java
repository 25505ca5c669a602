package io.gatewaystack.server.routes;

import io.gatewaystack.audit.UsageReport;
import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /v1/usage/me}: the caller's own usage over the last 24 hours and 30 days, from the audit trail —
 * requests, denials, tokens and cost. A user sees their own numbers and nobody else's: the key is the verified
 * {@code sub}, never a parameter. Events reach the store a moment after their request ends, so the newest second
 * may be missing. The report reads the window's events (blocking JDBC, on a worker).
 */
public final class UsageMe implements Terminal {

    private final AuditSource store;
    private final Executor blocking;
    private final ErrorResponder errors;

    public UsageMe(AuditSource store, Executor blocking, ErrorResponder errors) {
        this.store = store;
        this.blocking = blocking;
        this.errors = errors;
    }

    @Override
    public void handle(HttpServerRequest request, RequestContext ctx) {
        String sub = ctx.identity().subject();
        Context eventLoop = Vertx.currentContext();
        CompletableFuture.supplyAsync(() -> {
            long now = System.currentTimeMillis();
            try {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("user", sub);
                body.put("last_24h", rowOf(UsageReport.compute(store, UsageReport.By.USER, now - Duration.ofDays(1).toMillis()), sub));
                body.put("last_30d", rowOf(UsageReport.compute(store, UsageReport.By.USER, now - Duration.ofDays(30).toMillis()), sub));
                return body;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, blocking).whenComplete((body, failure) -> eventLoop.runOnContext(v -> {
            if (failure != null) {
                errors.send(request, ctx, GatewayError.of(ErrorCode.UNAVAILABLE, "Usage cannot be read right now."));
            } else {
                request.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                        .end(JsonBodies.encode(body));
            }
        }));
    }

    private static Map<String, Object> rowOf(UsageReport.Report report, String sub) {
        UsageReport.Row row = report.rows().stream().filter(r -> r.key().equals(sub)).findFirst().orElse(null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requests", row == null ? 0 : row.requests());
        m.put("allowed", row == null ? 0 : row.allowed());
        m.put("denied", row == null ? 0 : row.denied());
        m.put("input_tokens", row == null ? 0 : row.inputTokens());
        m.put("output_tokens", row == null ? 0 : row.outputTokens());
        m.put("cost", row == null ? 0.0 : row.costMicros() / 1_000_000.0);
        return m;
    }
}
