package io.gatewaystack.policy;

import static io.gatewaystack.policy.Policies.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Priorities, deny-overrides, modify composition, tenant stages and the resource index. */
class EvaluationOrderTest {

    @Test
    void denyBeatsAllowAtTheSamePriorityWhateverTheFileOrder() {
        for (String rules : List.of(
                "  - {id: a, effect: allow, when: {model: m}}\n  - {id: d, effect: deny, when: {roles: intern}}\n",
                "  - {id: d, effect: deny, when: {roles: intern}}\n  - {id: a, effect: allow, when: {model: m}}\n")) {
            Decision decision = yaml("rules:\n" + rules).decide(PolicyInput.builder().model("m").roles("intern").build());
            assertThat(decision.effect()).isEqualTo(Effect.DENY);
            assertThat(decision.ruleId()).isEqualTo("d");
        }
    }

    @Test
    void theFirstMatchingAllowOfALevelIsTheDecidingRule() {
        PolicySet set = yaml("rules:\n  - {id: first, effect: allow}\n  - {id: second, effect: allow, when: {model: m}}\n"
                + "  - {id: third, effect: allow}\n");
        assertThat(set.decide(PolicyInput.builder().model("m").build()).ruleId()).isEqualTo("first");
    }

    @Test
    void aLowerNumberIsAHigherPriority() {
        PolicySet set = yaml("""
                rules:
                  - {id: deny-late, priority: 200, effect: deny, when: {model: m}}
                  - {id: allow-early, priority: 5, effect: allow, when: {model: m}}
                """);
        assertThat(set.decide(PolicyInput.builder().model("m").build()).ruleId()).isEqualTo("allow-early");
    }

    @Test
    void modifyComposesWithAllowAndNeverAllowsAlone() {
        PolicySet set = yaml("""
                rules:
                  - {id: chat, effect: allow, when: {model: {glob: "gpt-*"}}}
                  - {id: cap-a, priority: 10, effect: modify, when: {plan: free}, modify: {max_tokens: 1000, headers: {X-Tier: free}, redact_pii: [email]}}
                  - {id: cap-b, priority: 20, effect: modify, when: {plan: free}, modify: {max_tokens: 500, model: gpt-4o-mini, headers: {X-Tier: ignored}, redact_pii: [ssn]}}
                  - {id: reroute, priority: 30, effect: modify, when: {plan: free}, modify: {model: ignored-model, provider: internal}}
                """);
        Decision d = set.decide(PolicyInput.builder().plan("free").model("gpt-4o").build());
        assertThat(d.effect()).isEqualTo(Effect.MODIFY);
        assertThat(d.ruleId()).isEqualTo("chat");
        assertThat(d.modifiedBy()).containsExactly("cap-a", "cap-b", "reroute");
        Modifications m = d.modifications();
        assertThat(m.maxTokens()).as("smallest cap").isEqualTo(500);
        assertThat(m.model()).as("first rule that sets it").isEqualTo("gpt-4o-mini");
        assertThat(m.provider()).isEqualTo("internal");
        assertThat(m.headers()).containsExactly(Map.entry("X-Tier", "free"));
        assertThat(m.redactPii()).containsExactly("email", "ssn");
        assertThat(d.reasons()).anyMatch(r -> r.contains("max_tokens capped at 500"));

        Decision alone = set.decide(PolicyInput.builder().plan("free").model("claude-3").build());
        assertThat(alone.effect()).as("a modify rule is not an allow").isEqualTo(Effect.DENY);
        assertThat(set.decide(PolicyInput.builder().plan("pro").model("gpt-4o").build()).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void aRuleScopedToATenantAppliesOnlyToThatTenant() {
        PolicySet set = yaml("rules:\n  - {id: acme-only, tenant: acme, effect: allow, when: {model: m}}\n");
        assertThat(set.decide(PolicyInput.builder().tenant("acme").model("m").build()).effect()).isEqualTo(Effect.ALLOW);
        assertThat(set.decide(PolicyInput.builder().tenant("globex").model("m").build()).effect()).isEqualTo(Effect.DENY);
        assertThat(set.decide(PolicyInput.builder().org("acme").model("m").build()).effect())
                .as("the org stands in for a missing tenant").isEqualTo(Effect.ALLOW);
    }

    @Test
    void aTenantPolicyNarrowsButCannotWidenAGlobalDeny() throws Exception {
        PolicySet set = new PolicyLoader().load(ExamplesTest.EXAMPLES.resolve("saas-tiers/policy"));
        PolicyInput suspendedAdmin = PolicyInput.builder().tenant("acme").roles("admin").plan("enterprise")
                .claims(Map.of("billing_status", "suspended")).model("gpt-4o").build();
        assertThat(set.decide(suspendedAdmin).ruleId()).isEqualTo("suspended-accounts");
        PolicyInput undecided = PolicyInput.builder().tenant("acme").roles("admin").tool("anything").build();
        assertThat(set.decide(undecided).ruleId()).as("undecided globally: the tenant decides").isEqualTo("acme-admins-anything-else");
    }

    @Test
    void aTenantFileCannotScopeItsRulesToAnotherTenantOrSetTheDefault() {
        String msg = Policies.problems("acme.yaml", "tenant: acme\ndefault: allow\nrules:\n  - {id: r, tenant: globex, effect: allow}\n").getMessage();
        assertThat(msg).contains("acme.yaml:2: a tenant policy file cannot set the default effect");
        assertThat(msg).contains("acme.yaml:4: rule r: a rule in tenant acme's policy cannot apply to tenant globex");
    }

    @Test
    void indexedAndFallbackRulesInterleaveByPriority() {
        PolicySet set = yaml("""
                rules:
                  - {id: exact-allow, priority: 50, effect: allow, when: {model: gpt-4o}}
                  - {id: glob-deny, priority: 40, effect: deny, when: {model: {glob: "gpt-*"}, roles: intern}}
                  - {id: tool-allow, priority: 30, effect: allow, when: {tool: t}}
                  - {id: route-deny, priority: 60, effect: deny, when: {route: admin}}
                  - {id: list-allow, effect: allow, when: {model: [a, b]}}
                """);
        assertThat(set.decide(PolicyInput.builder().model("gpt-4o").roles("intern").build()).ruleId()).isEqualTo("glob-deny");
        assertThat(set.decide(PolicyInput.builder().model("gpt-4o").build()).ruleId()).isEqualTo("exact-allow");
        assertThat(set.decide(PolicyInput.builder().model("b").build()).ruleId()).isEqualTo("list-allow");
        assertThat(set.decide(PolicyInput.builder().model("c").build()).ruleId()).isNull();
        assertThat(set.decide(PolicyInput.builder().tool("t").route("admin").build()).ruleId()).isEqualTo("tool-allow");
        assertThat(set.decide(PolicyInput.builder().model("gpt-4o").route("admin").build()).ruleId()).isEqualTo("exact-allow");
    }

    @Test
    void indexedDecisionsEqualAFullScan() {
        // The same rules with their resource condition hidden inside "all" are not indexed: decisions must agree.
        StringBuilder indexed = new StringBuilder("rules:\n");
        StringBuilder scanned = new StringBuilder("rules:\n");
        for (int i = 0; i < 60; i++) {
            String effect = i % 3 == 0 ? "deny" : "allow";
            String cond = "model: m" + (i % 10) + ", roles: r" + (i % 4);
            indexed.append("  - {id: r").append(i).append(", priority: ").append(i % 7).append(", effect: ").append(effect)
                    .append(", when: {").append(cond).append("}}\n");
            scanned.append("  - {id: r").append(i).append(", priority: ").append(i % 7).append(", effect: ").append(effect)
                    .append(", when: {all: [{").append(cond).append("}]}}\n");
        }
        PolicySet a = yaml(indexed.toString());
        PolicySet b = yaml(scanned.toString());
        for (int m = 0; m < 11; m++) {
            for (int r = 0; r < 5; r++) {
                PolicyInput in = PolicyInput.builder().model("m" + m).roles("r" + r).build();
                assertThat(a.decide(in).ruleId()).as("m%d r%d", m, r).isEqualTo(b.decide(in).ruleId());
            }
        }
    }
}
