package io.gatewaystack.policy;

import static io.gatewaystack.policy.Policies.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.PolicyDecision.Effect;
import org.junit.jupiter.api.Test;

/** The seed's validatabl policy.test.ts and decision.test.ts cases, in this engine's language. */
class SeedPolicyCasesTest {

    @Test
    void noRulesDeniesByDefault() {
        Decision d = PolicySet.empty().decide(PolicyInput.builder().subject("u").build());
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.ruleId()).isNull();
        assertThat(d.reasons().get(0)).contains("default: deny");
    }

    @Test
    void defaultAllowAllows() {
        Decision d = yaml("default: allow\nrules: []\n").decide(PolicyInput.builder().subject("u").build());
        assertThat(d.effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void subEqualsAdmin() {
        PolicySet set = yaml("rules:\n  - {id: allow-admin, effect: allow, when: {sub: admin}}\n");
        Decision d = set.decide(PolicyInput.builder().subject("admin").build());
        assertThat(d.effect()).isEqualTo(Effect.ALLOW);
        assertThat(d.ruleId()).isEqualTo("allow-admin");
        assertThat(set.decide(PolicyInput.builder().subject("bob").build()).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void scopeContainsRead() {
        PolicySet set = yaml("rules:\n  - {id: readers, effect: allow, when: {scopes: read}}\n");
        assertThat(set.decide(PolicyInput.builder().scopes("read", "write").build()).effect()).isEqualTo(Effect.ALLOW);
        // Exact scope match, unlike the seed's unescaped regex: "toolXread" is not "read".
        assertThat(set.decide(PolicyInput.builder().scopes("toolXread").build()).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void toolInList() {
        PolicySet set = yaml("rules:\n  - {id: safe-tools, effect: allow, when: {tool: {in: [listRepos, getUser]}}}\n");
        assertThat(set.decide(PolicyInput.builder().tool("getUser").build()).effect()).isEqualTo(Effect.ALLOW);
        assertThat(set.decide(PolicyInput.builder().tool("deleteUser").build()).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void priorityOneDenyBeatsPriority100Allow() {
        PolicySet set = yaml("""
                rules:
                  - {id: allow-all, priority: 100, effect: allow}
                  - {id: high-priority-deny, priority: 1, effect: deny, when: {tool: dangerousTool}}
                """);
        Decision d = set.decide(PolicyInput.builder().tool("dangerousTool").build());
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.ruleId()).isEqualTo("high-priority-deny");
        assertThat(set.decide(PolicyInput.builder().tool("other").build()).ruleId()).isEqualTo("allow-all");
    }

    @Test
    void conditionsOfARuleAllHold() {
        PolicySet set = yaml("rules:\n  - {id: admin-delete-tenant, effect: allow, when: {sub: admin, tool: deleteTenant}}\n");
        assertThat(set.decide(PolicyInput.builder().subject("admin").tool("listUsers").build()).effect()).isEqualTo(Effect.DENY);
        assertThat(set.decide(PolicyInput.builder().subject("admin").tool("deleteTenant").build()).effect()).isEqualTo(Effect.ALLOW);
    }

    @Test
    void modelMatchesRegex() {
        PolicySet set = yaml("rules:\n  - {id: gpt4, effect: allow, when: {model: {regex: \"^gpt-4\"}}}\n");
        assertThat(set.decide(PolicyInput.builder().model("gpt-4-turbo").build()).effect()).isEqualTo(Effect.ALLOW);
        assertThat(set.decide(PolicyInput.builder().model("claude-3").build()).effect()).isEqualTo(Effect.DENY);
    }

    @Test
    void denyRuleOnAToolDenies() {
        PolicySet set = yaml("default: allow\nrules:\n  - {id: no-danger, effect: deny, when: {tool: {equals: dangerousTool}}}\n");
        Decision d = set.decide(PolicyInput.builder().tool("dangerousTool").build());
        assertThat(d.effect()).isEqualTo(Effect.DENY);
        assertThat(d.reasons()).containsExactly("denied by rule no-danger");
    }

    @Test
    void theSeedsFailOpenCasesAreLoadErrorsHere() {
        // The seed treated an invalid regex and an unknown operator as "no match", which silently opened deny rules.
        assertThat(Policies.problems("p.yaml", "rules:\n  - {id: r, effect: deny, when: {model: {regex: \"[\"}}}\n")
                .getMessage()).contains("p.yaml:2: rule r: invalid regex");
        assertThat(Policies.problems("p.yaml", "rules:\n  - {id: r, effect: deny, when: {model: {startsWith: a}}}\n")
                .getMessage()).contains("unknown operator 'startsWith'");
    }
}
