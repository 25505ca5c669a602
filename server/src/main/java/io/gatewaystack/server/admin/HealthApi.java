package io.gatewaystack.server.admin;

import io.gatewaystack.audit.AuditPipeline;
import io.gatewaystack.identity.IssuerStatus;
import io.gatewaystack.identity.TokenVerifier;
import io.gatewaystack.policy.PolicyStore;
import io.gatewaystack.server.admin.limits.LimitsView;
import io.gatewaystack.server.llm.TargetHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /admin/api/health}: one card per layer and dependency — identity provider (JWKS), audit pipeline and
 * spool, the audit database (as its sink sees it), the limits store (Redis or memory), policy, and the LLM
 * upstreams' circuit breakers. Each has {@code status}: {@code ok}, {@code degraded}, {@code down} or {@code off}.
 * Everything is read from state the gateway already keeps: no call here does I/O.
 */
final class HealthApi {

    private final String mode;
    private final String version;
    private final TokenVerifier verifier;
    private final AuditPipeline audit;
    private final String auditStore;
    private final PolicyStore policy;
    private final LimitsView limits;
    private final TargetHealth breakers;
    private final Supplier<Integer> viewers;

    HealthApi(String mode, String version, TokenVerifier verifier, AuditPipeline audit, String auditStore,
              PolicyStore policy, LimitsView limits, TargetHealth breakers, Supplier<Integer> viewers) {
        this.mode = mode;
        this.version = version;
        this.verifier = verifier;
        this.audit = audit;
        this.auditStore = auditStore;
        this.policy = policy;
        this.limits = limits;
        this.breakers = breakers;
        this.viewers = viewers;
    }

    Map<String, Object> health() {
        List<Map<String, Object>> checks = new ArrayList<>();
        List<IssuerStatus> issuers = verifier.status();
        for (IssuerStatus s : issuers) {
            checks.add(check("identity", "Identity provider " + s.issuer(),
                    s.keyCount() > 0 ? (s.jwksReachable() ? "ok" : "degraded") : "down",
                    s.keyCount() + " signing keys" + (s.jwksReachable() ? ", JWKS reachable" : ", JWKS not reachable")
                            + (s.lastError() == null ? "" : " (" + s.lastError() + ")")));
        }
        if (audit == null) {
            checks.add(check("audit", "Audit trail", "off", "auditing is turned off"));
        } else {
            AuditPipeline.Health h = audit.health();
            String status = !h.accepting() ? "down" : h.alarm() ? "degraded" : "ok";
            checks.add(check("audit", "Audit pipeline and spool", status,
                    "queue " + h.queueDepth() + ", spool " + h.spoolBytes() / 1024 + " KiB of " + h.spoolMaxBytes() / (1024 * 1024)
                            + " MiB, " + h.written() + " written, " + h.dropped() + " dropped"
                            + (h.writerError() == null ? "" : ", writer failed: " + h.writerError())));
            for (AuditPipeline.SinkStatus s : h.sinks()) {
                boolean database = s.name().equals("sqlite") || s.name().startsWith("postgres");
                String what = database ? "Audit database (" + auditStore + ")"
                        : s.name().equals("admin-live") ? "Console live feed" : "Audit sink " + s.name();
                checks.add(check(database ? "database" : "sink", what, s.healthy() ? (s.lag() > 10_000 ? "degraded" : "ok") : "down",
                        s.delivered() + " delivered, lag " + s.lag() + (s.lastError() == null ? "" : ", last error: " + s.lastError())));
            }
        }
        LimitsView.StoreHealth l = limits.storeHealth();
        checks.add(check("limits", "Limits store (" + l.kind() + ")", l.status(), l.detail()));
        if (policy == null) {
            checks.add(check("policy", "Policy", "off", "no policy configured"));
        } else {
            checks.add(check("policy", "Policy", "ok", store(policy.live()) + (policy.candidate() == null ? ""
                    : "; shadow candidate " + store(policy.candidate()))));
        }
        Map<String, String> states = breakers.states();
        if (states.isEmpty()) {
            checks.add(check("upstream", "LLM upstream circuit breakers", "ok", "no upstream called yet"));
        }
        states.forEach((target, state) -> checks.add(check("upstream", "Upstream " + target,
                state.equals("CLOSED") ? "ok" : state.equals("OPEN") || state.equals("FORCED_OPEN") ? "down" : "degraded",
                "circuit " + state.toLowerCase(java.util.Locale.ROOT).replace('_', ' '))));
        boolean ok = checks.stream().noneMatch(c -> "down".equals(c.get("status")));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", ok);
        body.put("mode", mode);
        body.put("version", version);
        body.put("time", Instant.now().toString());
        body.put("live_viewers", viewers.get());
        body.put("checks", checks);
        return body;
    }

    private static String store(io.gatewaystack.policy.PolicySet set) {
        return set.ruleCount() + " rules from " + String.join(", ", set.sources()) + ", default "
                + set.defaultEffect().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static Map<String, Object> check(String kind, String name, String status, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("name", name);
        m.put("status", status);
        m.put("detail", detail);
        return m;
    }
}
