package io.gatewaystack.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuditEventTest {

    @Test
    void allowedRequestHasEveryField() {
        AuditEvent e = AuditEvent.of(Contexts.allowed("alice", "acme", "gpt-4o", 100, 50, 1234, List.of("email", "phone")));
        assertThat(e.schema()).isEqualTo(1);
        assertThat(e.eventId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(e.time()).isEqualTo(1_780_000_000_000L);
        assertThat(e.requestId()).startsWith("req-alice-");
        assertThat(e.traceId()).isEqualTo("trace-1");
        assertThat(e.identity()).isEqualTo(new AuditEvent.Actor("alice", "acme", "t-acme", List.of("admin", "dev"),
                "https://issuer.example", "client-1"));
        assertThat(e.what()).isEqualTo(new AuditEvent.What("proxy", "POST", "/proxy/v1/chat/completions", "model", "gpt-4o",
                "openai", "gpt-4o", "fast"));
        assertThat(e.what().model()).isEqualTo("gpt-4o");
        assertThat(e.data()).isEqualTo(new AuditEvent.Data(List.of("pii"), List.of("email", "phone"), 40));
        assertThat(e.policy()).isEqualTo(new AuditEvent.Policy("pd-1", "allow-models", "allow", List.of("model allowed")));
        assertThat(e.limits()).isEqualTo(new AuditEvent.Limits(true, List.of("10 left"), 0));
        assertThat(e.usage()).isEqualTo(new AuditEvent.Consumption(100, 50, 1234));
        assertThat(e.latencyMicros()).isGreaterThanOrEqualTo(0);
        assertThat(e.outcome()).isEqualTo(new AuditEvent.Outcome(200, null, "allow"));
        assertThat(e.instance()).isNull();
        assertThat(e.hash()).isNull();
        // never the query string, claims, email or name
        assertThat(e.toJson()).doesNotContain("SECRET", "secret_claim", "a@example.com", "Alice");
    }

    @Test
    void deniedLimitedFailedAndAnonymous() {
        AuditEvent d = AuditEvent.of(Contexts.denied("bob", "acme", "no-delete"));
        assertThat(d.outcome()).isEqualTo(new AuditEvent.Outcome(403, "policy_denied", "deny"));
        assertThat(d.policy()).isEqualTo(new AuditEvent.Policy("pd-2", "no-delete", "deny", List.of("tool not allowed for role")));
        assertThat(d.what().tool()).isEqualTo("delete_repo");
        assertThat(d.usage()).isNull();
        assertThat(d.data()).isNull();

        AuditEvent l = AuditEvent.of(Contexts.limited("bob", "acme"));
        assertThat(l.limits()).isEqualTo(new AuditEvent.Limits(false, List.of("rate 10/min exceeded"), 7));
        assertThat(l.outcome()).isEqualTo(new AuditEvent.Outcome(429, "rate_limited", "deny"));
        assertThat(l.what().resourceKind()).isEqualTo("route");
        assertThat(l.what().resourceName()).isEqualTo("protected.ping");

        AuditEvent f = AuditEvent.of(Contexts.failed("carol", "globex"));
        assertThat(f.outcome()).isEqualTo(new AuditEvent.Outcome(502, "upstream_error", "allow"));
        assertThat(f.what().provider()).isEqualTo("proxy");
        assertThat(f.what().target()).isEqualTo("http://127.0.0.1:9");

        AuditEvent a = AuditEvent.of(Contexts.anonymous());
        assertThat(a.identity()).isNull();
        assertThat(a.outcome()).isEqualTo(new AuditEvent.Outcome(401, "missing_token", "deny"));
    }

    @Test
    void aShadowPolicyDisagreementIsRecordedAndRoundTrips() {
        var ctx = Contexts.denied("bob", "acme", "no-contractors");
        ctx.attributes().put(io.gatewaystack.core.PolicyDecision.SHADOW_ATTRIBUTE, new io.gatewaystack.core.PolicyDecision(
                io.gatewaystack.core.PolicyDecision.Effect.ALLOW, "pd_shadow", "candidate-allow", List.of("would allow")));
        AuditEvent e = AuditEvent.of(ctx).chained("gw-1.x", 1, AuditEvent.GENESIS);
        assertThat(e.policy().shadowEffect()).isEqualTo("allow");
        assertThat(e.policy().shadowRule()).isEqualTo("candidate-allow");
        assertThat(e.toJson()).contains("\"shadow_effect\":\"allow\"", "\"shadow_rule\":\"candidate-allow\"");
        AuditEvent back = AuditEvent.fromJson(e.toJson());
        assertThat(back).isEqualTo(e);
        assertThat(back.computeHash()).isEqualTo(e.hash());
        // without a disagreement the event has no shadow fields at all
        assertThat(AuditEvent.of(Contexts.denied("bob", "acme", "r")).chained("gw-1.x", 2, e.hash()).toJson())
                .doesNotContain("shadow_");
    }

    @Test
    void jsonRoundTripsAndHashIsOverCanonicalForm() {
        AuditEvent e = AuditEvent.of(Contexts.allowed("al\"ice\n\u2028😀", "acme", "m", 1, 2, 3, List.of("email")))
                .chained("gw-1.x", 1, AuditEvent.GENESIS);
        assertThat(e.hash()).hasSize(64).isEqualTo(e.computeHash());
        AuditEvent back = AuditEvent.fromJson(e.toJson());
        assertThat(back).isEqualTo(e);
        assertThat(back.canonicalJson()).isEqualTo(e.canonicalJson());
        assertThat(e.toJson()).startsWith("{\"schema\":1,\"event_id\":\"").endsWith("\"hash\":\"" + e.hash() + "\"}");
        assertThat(e.toJson()).contains("\"time\":\"" + Instant.ofEpochMilli(1_780_000_000_000L) + "\"");
        AuditEvent next = AuditEvent.of(Contexts.anonymous()).chained("gw-1.x", 2, e.hash());
        assertThat(next.prevHash()).isEqualTo(e.hash());
        AuditEvent tampered = new AuditEvent(e.schema(), e.eventId(), e.time(), e.instance(), e.seq(), e.prevHash(), e.hash(),
                e.requestId(), e.traceId(), e.identity(), e.what(), e.data(), e.policy(), e.limits(),
                new AuditEvent.Consumption(1, 2, 0), e.latencyMicros(), e.outcome());
        assertThat(tampered.computeHash()).isNotEqualTo(e.hash());
    }

    @Test
    void eventIdsAreUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(AuditEvent.newEventId(1_780_000_000_000L));
        }
        assertThat(ids).hasSize(100_000);
    }

    @Test
    void sealSignsTheHeadAndDetectsChanges() {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes();
        Seal s = Seal.sign("gw-1.x", 10, "ab".repeat(32), 1_780_000_000_000L, "k1", key);
        assertThat(s.verify(key)).isTrue();
        assertThat(Seal.fromJson(s.toJson())).isEqualTo(s);
        assertThat(new Seal("gw-1.x", 11, s.headHash(), s.time(), "k1", s.signature()).verify(key)).isFalse();
        assertThat(s.verify("another-key-another-key-another-k".getBytes())).isFalse();
    }

    @Test
    void withoutTracingTheCallersTraceparentGivesTheTraceId() {
        assertThat(AuditEvent.traceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(AuditEvent.traceIdOf("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isNull();
        assertThat(AuditEvent.traceIdOf("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isNull();
        assertThat(AuditEvent.traceIdOf("garbage")).isNull();
        assertThat(AuditEvent.traceIdOf(null)).isNull();
        io.gatewaystack.core.RequestContext ctx = io.gatewaystack.core.RequestContext.builder().requestId("r").method("GET")
                .path("/x").routeName("x").headers(n -> n.equalsIgnoreCase("traceparent")
                        ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" : null).build();
        ctx.complete(200, null);
        assertThat(AuditEvent.of(ctx).traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void theWritersOnePassLineIsExactlyToJsonAndEscapesAreCanonical() {
        var ctx = Contexts.denied("b\"o\\b\n\t\u0001\u2028 \uD83D\uDE00 é", "acme", "rule \"x\"");
        AuditEvent.Chained placed = AuditEvent.of(ctx).chainedWithJson("gw-1.x", 7, AuditEvent.GENESIS);
        assertThat(placed.json()).isEqualTo(placed.event().toJson());
        assertThat(placed.event().hash()).isEqualTo(placed.event().computeHash());
        // every escape in the one fixed form the hash chain depends on
        assertThat(placed.json()).contains("\"sub\":\"b\\\"o\\\\b\\n\\t\\u0001\\u2028 \\ud83d\\ude00 é\"");
        assertThat(AuditEvent.fromJson(placed.json())).isEqualTo(placed.event());
    }
}
