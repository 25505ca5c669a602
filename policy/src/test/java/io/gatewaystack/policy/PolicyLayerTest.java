package io.gatewaystack.policy;

import static io.gatewaystack.policy.Policies.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.PolicyDecision.Effect;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class PolicyLayerTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Clock MONDAY_NOON = Clock.fixed(Instant.parse("2026-01-05T12:00:00Z"), ZoneOffset.UTC);

    private static Identity identity(String sub, String org, String tenant, List<String> roles, List<String> scopes, String plan) {
        return new Identity(sub, "https://idp.example", org, tenant, roles, scopes, null, null, plan, null,
                Instant.parse("2030-01-01T00:00:00Z"), Map.of("sub", sub, "org_id", org == null ? "" : org));
    }

    private static RequestContext ctx(Identity id, String body) {
        RequestContext ctx = RequestContext.builder().requestId("req-1").method("POST").path("/v1/chat/completions")
                .routeName("llm.chat").build();
        ctx.identity(id);
        if (body != null) {
            byte[] raw = body.getBytes(StandardCharsets.UTF_8);
            ctx.body(new RequestBody(raw, "application/json", JSON.readTree(body)));
        }
        return ctx;
    }

    private static PolicyLayer layer(PolicySet set) {
        return new PolicyLayer(new PolicyStore(set), new PolicyLayerConfig(true, MONDAY_NOON, null));
    }

    @Test
    void denyAnswers403WithRuleReasonsAndDecisionId() {
        PolicySet set = yaml("rules:\n  - {id: no-interns, effect: deny, reason: Interns cannot use this model., when: {roles: intern}}\n"
                + "  - {id: chat, effect: allow, when: {model: gpt-4o}}\n");
        RequestContext ctx = ctx(identity("u1", "acme", null, List.of("intern"), List.of(), null), "{\"model\":\"gpt-4o\"}");
        Verdict v = layer(set).onRequest(ctx);
        assertThat(v.isRejected()).isTrue();
        assertThat(v.rejection().code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(v.rejection().status()).isEqualTo(403);
        assertThat(v.rejection().details()).containsEntry("rule", "no-interns")
                .containsEntry("reasons", List.of("Interns cannot use this model."))
                .containsEntry("decision_id", ctx.policyDecision().decisionId());
        assertThat(ctx.policyDecision().effect()).isEqualTo(Effect.DENY);
        assertThat(ctx.policyDecision().ruleId()).isEqualTo("no-interns");
    }

    @Test
    void theDefaultDenyNamesTheDefaultRule() {
        Verdict v = layer(PolicySet.empty()).onRequest(ctx(identity("u1", null, null, List.of(), List.of(), null), null));
        assertThat(v.rejection().details()).containsEntry("rule", "default");
    }

    @Test
    void orgConditionsMatchBehindTheIdentityLayer() {
        // The seed's bug: its org_id rules never matched because identity put the org elsewhere.
        PolicySet set = yaml("rules:\n  - {id: acme, effect: allow, when: {org_id: acme}}\n");
        assertThat(layer(set).onRequest(ctx(identity("u1", "acme", null, List.of(), List.of(), null), null)).isProceed()).isTrue();
        assertThat(layer(set).onRequest(ctx(identity("u1", "other", null, List.of(), List.of(), null), null)).isRejected()).isTrue();
    }

    @Test
    void modifyRewritesTheBodyAndExposesTheRest() {
        PolicySet set = yaml("""
                rules:
                  - {id: chat, effect: allow, when: {model: gpt-4o}}
                  - id: free-tier
                    effect: modify
                    when: {plan: free}
                    modify: {model: gpt-4o-mini, max_tokens: 256, provider: internal, redact_pii: [email], headers: {X-Tier: free}}
                """);
        RequestContext ctx = ctx(identity("u1", null, null, List.of(), List.of(), "free"),
                "{\"model\":\"gpt-4o\",\"max_tokens\":4000,\"messages\":[]}");
        assertThat(layer(set).onRequest(ctx).isProceed()).isTrue();
        assertThat(ctx.body().isModified()).isTrue();
        assertThat(ctx.body().json().get("model").asString()).isEqualTo("gpt-4o-mini");
        assertThat(ctx.body().json().get("max_tokens").asInt()).isEqualTo(256);
        assertThat(new String(ctx.body().bytesToForward(), StandardCharsets.UTF_8)).contains("\"max_tokens\":256");
        assertThat(ctx.policyDecision().effect()).isEqualTo(Effect.MODIFY);
        assertThat(ctx.attributes()).containsEntry(PolicyAttributes.ADD_HEADERS, Map.of("X-Tier", "free"))
                .containsEntry(PolicyAttributes.REDACT_PII, List.of("email"))
                .containsEntry(PolicyAttributes.REROUTE_PROVIDER, "internal");
        assertThat(ctx.attributes().get(PolicyAttributes.DECISION)).isInstanceOf(Decision.class);
    }

    @Test
    void aCapBelowTheRequestIsLeftAloneAndAMissingLimitGetsTheCap() {
        PolicySet set = yaml("rules:\n  - {id: chat, effect: allow}\n  - {id: cap, effect: modify, modify: {max_tokens: 500}}\n");
        RequestContext small = ctx(identity("u", null, null, List.of(), List.of(), null), "{\"model\":\"m\",\"max_tokens\":100}");
        layer(set).onRequest(small);
        assertThat(small.body().json().get("max_tokens").asInt()).isEqualTo(100);
        RequestContext none = ctx(identity("u", null, null, List.of(), List.of(), null), "{\"model\":\"m\"}");
        layer(set).onRequest(none);
        assertThat(none.body().json().get("max_tokens").asInt()).isEqualTo(500);
    }

    @Test
    void aBodyChangeWithoutABodyIsRefusedNotIgnored() {
        PolicySet set = yaml("rules:\n  - {id: all, effect: allow}\n  - {id: cap, effect: modify, modify: {max_tokens: 10}}\n");
        Verdict v = layer(set).onRequest(ctx(identity("u", null, null, List.of(), List.of(), null), null));
        assertThat(v.rejection().code()).isEqualTo(ErrorCode.POLICY_DENIED);
        assertThat(v.rejection().details().get("reasons").toString()).contains("no JSON body");
    }

    @Test
    void factsComeFromResourceContentAndBody() {
        PolicySet set = yaml("""
                rules:
                  - id: r
                    effect: allow
                    when: {tool: search, content.pii: email, content.risk_score: {lt: 50}, request.stream: true, route: llm.chat,
                           method: POST, provider: openai, time: {after: "11:00", before: "13:00"}}
                """);
        RequestContext ctx = ctx(identity("u", null, null, List.of(), List.of(), null), "{\"stream\":true}");
        ctx.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, "search"));
        ctx.contentFindings(new ContentFindings(List.of("pii"), List.of("email"), 10));
        ctx.attributes().put(PolicyAttributes.PROVIDER, "openai");
        assertThat(layer(set).onRequest(ctx).isProceed()).isTrue();
    }

    /** The tool-list allowance decides each tool exactly as onRequest decides a call to it, with no body. */
    @Test
    void theToolAllowanceAgreesWithOnRequestForEveryTool() {
        PolicySet set = yaml("""
                rules:
                  - {id: interns-no-admin, effect: deny, when: {roles: intern, tool: {glob: "admin.*"}}}
                  - {id: tools, effect: allow, when: {tool: {glob: "*"}}}
                  - {id: finance-header, effect: modify, when: {tool: {glob: "finance.*"}}, modify: {headers: {X-Audit: "1"}}}
                  - {id: legal-model, effect: modify, when: {tool: {glob: "legal.*"}}, modify: {model: small}}
                  - {id: broken, effect: allow, priority: 1, when: {tool: broken.one, cel: "identity.claims.dept == 'x'"}}
                """);
        List<String> tools = List.of("search", "admin.users", "finance.report", "legal.review", "broken.one", "other");
        for (Identity id : List.of(identity("u1", "acme", null, List.of("intern"), List.of(), null),
                identity("u2", null, null, List.of("lead"), List.of("a"), "pro"))) {
            RequestContext probe = RequestContext.builder().requestId("tools-list").method("POST").path("/mcp")
                    .routeName("mcp").build();
            probe.identity(id);
            java.util.function.Predicate<String> allowed = layer(set).toolAllowance(probe);
            for (String tool : tools) {
                RequestContext call = RequestContext.builder().requestId("call").method("POST").path("/mcp")
                        .routeName("mcp").build();
                call.identity(id);
                call.resource(new ResourceRequest(ResourceRequest.Kind.TOOL, tool));
                assertThat(allowed.test(tool)).as("%s calling %s", id.subject(), tool)
                        .isEqualTo(layer(set).onRequest(call).isProceed());
            }
            assertThat(allowed.test("finance.report")).isTrue();   // a header-only change needs no body
            assertThat(allowed.test("legal.review")).isFalse();    // a model change does, and a tool call has none
            assertThat(allowed.test("broken.one")).isFalse();      // an evaluation failure hides the tool
            assertThat(probe.policyDecision()).isNull();           // and nothing is recorded in the probe
        }
        RequestContext probe = RequestContext.builder().requestId("p").method("POST").path("/mcp").routeName("mcp").build();
        assertThat(new PolicyLayer(new PolicyStore(), new PolicyLayerConfig(true, MONDAY_NOON, null))
                .toolAllowance(probe).test("search")).isFalse();
        assertThat(new PolicyLayer(new PolicyStore(), new PolicyLayerConfig(false, MONDAY_NOON, null))
                .toolAllowance(probe).test("search")).isTrue();
    }

    @Test
    void noPolicyOrABrokenRuleFailsClosedWith503() {
        PolicyLayer none = new PolicyLayer(new PolicyStore(), new PolicyLayerConfig(true, MONDAY_NOON, null));
        Verdict v = none.onRequest(ctx(identity("u", null, null, List.of(), List.of(), null), null));
        assertThat(v.rejection().code()).isEqualTo(ErrorCode.UNAVAILABLE);
        PolicyLayer optional = new PolicyLayer(new PolicyStore(), new PolicyLayerConfig(false, MONDAY_NOON, null));
        assertThat(optional.onRequest(ctx(identity("u", null, null, List.of(), List.of(), null), null)).isProceed()).isTrue();

        PolicySet broken = yaml("rules:\n  - {id: r, effect: allow, when: {cel: \"identity.claims.dept == 'x'\"}}\n");
        Verdict failed = layer(broken).onRequest(ctx(identity("u", null, null, List.of(), List.of(), null), null));
        assertThat(failed.rejection().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void shadowDisagreementsAreRecordedWithoutChangingTheResponse() {
        PolicySet live = yaml("rules:\n  - {id: open, effect: allow}\n");
        PolicySet candidate = yaml("rules:\n  - {id: open, effect: allow}\n  - {id: no-interns, effect: deny, when: {roles: intern}}\n");
        PolicyStore store = new PolicyStore(live);
        store.candidate(candidate);
        List<ShadowDisagreement> seen = new ArrayList<>();
        PolicyLayer layer = new PolicyLayer(store, new PolicyLayerConfig(true, MONDAY_NOON, seen::add));

        RequestContext intern = ctx(identity("u1", null, null, List.of("intern"), List.of(), null), null);
        assertThat(layer.onRequest(intern).isProceed()).isTrue();
        assertThat(seen).hasSize(1);
        ShadowDisagreement d = seen.get(0);
        assertThat(d.requestId()).isEqualTo("req-1");
        assertThat(d.subject()).isEqualTo("u1");
        assertThat(d.live().effect()).isEqualTo(Effect.ALLOW);
        assertThat(d.candidate().effect()).isEqualTo(Effect.DENY);
        assertThat(d.candidate().ruleId()).isEqualTo("no-interns");
        assertThat(intern.attributes().get(PolicyAttributes.SHADOW_DISAGREEMENT)).isEqualTo(d);
        // the audit trail reads the candidate's decision through a core type
        assertThat(intern.attributes().get(io.gatewaystack.core.PolicyDecision.SHADOW_ATTRIBUTE))
                .isEqualTo(d.candidate().toPolicyDecision());

        RequestContext staff = ctx(identity("u2", null, null, List.of("staff"), List.of(), null), null);
        assertThat(layer.onRequest(staff).isProceed()).isTrue();
        assertThat(seen).as("agreement is not recorded").hasSize(1);

        PolicyLayer throwing = new PolicyLayer(store, new PolicyLayerConfig(true, MONDAY_NOON, x -> {
            throw new IllegalStateException("listener bug");
        }));
        assertThat(throwing.onRequest(ctx(identity("u1", null, null, List.of("intern"), List.of(), null), null)).isProceed()).isTrue();
    }
}
