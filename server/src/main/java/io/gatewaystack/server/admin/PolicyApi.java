package io.gatewaystack.server.admin;

import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.store.AuditSearch;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.policy.Decision;
import io.gatewaystack.policy.DecisionJson;
import io.gatewaystack.policy.PolicyEvaluationException;
import io.gatewaystack.policy.PolicyInput;
import io.gatewaystack.policy.PolicyRequestJson;
import io.gatewaystack.policy.PolicySet;
import io.gatewaystack.policy.PolicyStore;
import io.gatewaystack.policy.Rule;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /admin/api/policies}: the loaded rules (live and shadow candidate), recent shadow disagreements from the
 * audit trail, and {@code POST /admin/api/policies/test}: the decision the live (and candidate) policy makes for a
 * described request — the same request format and decision JSON as {@code gatewaystack policy test}. A tenant admin
 * sees the global rules and their own tenant's, and tests as their tenant.
 */
final class PolicyApi {

    private final PolicyStore store;
    private final JdbcAuditStore audit;
    private final Replies replies;

    /** @param store the policy store, or null when no policy is configured */
    PolicyApi(PolicyStore store, JdbcAuditStore audit, Replies replies) {
        this.store = store;
        this.audit = audit;
        this.replies = replies;
    }

    void rules(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", store != null);
        if (store == null) {
            Replies.json(request, 200, body);
            return;
        }
        body.put("live", describe(store.live(), viewer));
        body.put("candidate", store.candidate() == null ? null : describe(store.candidate(), viewer));
        if (audit == null) {
            body.put("shadow_disagreements", List.of());
            Replies.json(request, 200, body);
            return;
        }
        AuditSearch.Filter recent = new AuditSearch.Filter(null, null, viewer.tenant(), null, null, null, null, null,
                null, null, Instant.now().minus(Duration.ofDays(7)).toEpochMilli(), null, true);
        replies.offLoop(request, ctx, () -> audit.search().search(recent, 50, null), page -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (AuditSearch.Hit hit : page.hits()) {
                AuditEvent e = AuditEvent.fromJson(hit.json());
                Map<String, Object> m = EventSummary.of(e);
                m.put("live_effect", e.policy() == null ? null : e.policy().effect());
                m.put("shadow_rule", e.policy() == null ? null : e.policy().shadowRule());
                rows.add(m);
            }
            body.put("shadow_disagreements", rows);
            Replies.json(request, 200, body);
        });
    }

    private static Map<String, Object> describe(PolicySet set, Viewer viewer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sources", set.sources());
        m.put("default_effect", set.defaultEffect().name().toLowerCase(Locale.ROOT));
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Rule r : set.rules()) {
            if (!viewer.global() && r.tenant() != null && !r.tenant().equals(viewer.tenant())) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", r.id());
            row.put("priority", r.priority());
            row.put("tenant", r.tenant());
            row.put("effect", r.effect().name().toLowerCase(Locale.ROOT));
            row.put("reason", r.reason());
            row.put("source", r.source());
            rules.add(row);
        }
        m.put("rules", rules);
        return m;
    }

    void test(HttpServerRequest request, RequestContext ctx, Viewer viewer) {
        if (store == null) {
            replies.error(request, ctx, ErrorCode.NOT_FOUND, "No policy is configured (set policy.path).");
            return;
        }
        JsonNode in = ctx.body() == null ? null : ctx.body().json();
        if (in == null || !in.isObject()) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST,
                    "The body must be a JSON request description, as for `gatewaystack policy test`.");
            return;
        }
        if (!viewer.global()) {
            // a tenant admin tests as their tenant: they must not probe another tenant's rules
            JsonNode id = in.get("identity");
            ObjectNode identity = id instanceof ObjectNode o ? o : ((ObjectNode) in).putObject("identity");
            identity.put("tenant", viewer.tenant());
        }
        PolicyInput input;
        try {
            input = PolicyRequestJson.parse(in);
        } catch (RuntimeException e) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST, "Invalid request description: " + e.getMessage());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            body.put("live", decide(store.live(), input));
            body.put("candidate", store.candidate() == null ? null : decide(store.candidate(), input));
        } catch (PolicyEvaluationException e) {
            replies.error(request, ctx, ErrorCode.INVALID_REQUEST,
                    "The policy cannot be evaluated for this request (the gateway would answer 503): " + e.getMessage());
            return;
        }
        Replies.json(request, 200, body);
    }

    private static Object decide(PolicySet set, PolicyInput input) {
        Decision d = set.decide(input);
        return DecisionJson.of(d);
    }
}
