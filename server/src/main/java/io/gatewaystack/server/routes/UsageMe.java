package io.gatewaystack.server.routes;

import io.gatewaystack.audit.UsageReport;
import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.limits.budget.BudgetState;
import io.gatewaystack.limits.budget.Budgets;
import io.gatewaystack.server.http.ErrorResponder;
import io.gatewaystack.server.http.JsonBodies;
import io.gatewaystack.server.http.Terminal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code GET /v1/usage/me}: the caller's own usage over the last 24 hours and 30 days, from the audit trail —
 * requests, denials, tokens and cost — and, when budgets are configured, where the caller stands on every budget and
 * token limit keyed on who they are (their user, org, tenant or client budgets): limit, spent, reserved by requests
 * in flight, remaining, and when the period resets. A user sees their own numbers and nobody else's: the key is the
 * verified identity, never a parameter. Events reach the store a moment after their request ends, so the newest
 * second may be missing. The report reads the window's events (blocking JDBC, on a worker).
 */
public final class UsageMe implements Terminal {

    private final AuditSource store;
    private final Budgets budgets;
    private final Executor blocking;
    private final ErrorResponder errors;

    /**
     * @param store   the audit trail, or null when it is off (then only budgets are shown)
     * @param budgets budgets and token limits, or null when none are configured
     */
    public UsageMe(AuditSource store, Budgets budgets, Executor blocking, ErrorResponder errors) {
        this.store = store;
        this.budgets = budgets;
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
                if (store != null) {
                    body.put("last_24h", rowOf(UsageReport.compute(store, UsageReport.By.USER, now - Duration.ofDays(1).toMillis()), sub));
                    body.put("last_30d", rowOf(UsageReport.compute(store, UsageReport.By.USER, now - Duration.ofDays(30).toMillis()), sub));
                }
                return body;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, blocking).thenCompose(body -> budgets == null ? CompletableFuture.completedFuture(body)
                : budgets.standing(ctx.identity()).thenApply(states -> {
                    body.put("budgets", budgetsOf(states, budgets.config().currency()));
                    return body;
                })).whenComplete((body, failure) -> eventLoop.runOnContext(v -> {
            if (failure != null) {
                errors.send(request, ctx, GatewayError.of(ErrorCode.UNAVAILABLE, "Usage cannot be read right now."));
            } else {
                request.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                        .end(JsonBodies.encode(body));
            }
        }));
    }

    private static List<Map<String, Object>> budgetsOf(List<BudgetState> states, String currency) {
        List<Map<String, Object>> out = new ArrayList<>(states.size());
        for (BudgetState state : states) {
            boolean money = state.rule().meter().isMoney();
            double unit = money ? 1_000_000.0 : 1.0;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", state.rule().name());
            m.put("meter", state.rule().meter().name().toLowerCase(java.util.Locale.ROOT));
            if (money) {
                m.put("currency", currency);
            }
            m.put("period", state.rule().period().label());
            m.put("limit", money ? state.rule().cap() / unit : state.rule().cap());
            m.put("spent", money ? state.spent() / unit : state.spent());
            m.put("reserved", money ? state.reserved() / unit : state.reserved());
            m.put("remaining", money ? state.remaining() / unit : state.remaining());
            m.put("resets_in_seconds", (state.resetMillis() + 999) / 1000);
            out.add(m);
        }
        return out;
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
