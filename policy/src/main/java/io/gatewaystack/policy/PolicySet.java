package io.gatewaystack.policy;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable, compiled set of rules: what one decision is made against. Hot reload builds a new set and swaps it
 * in whole ({@link PolicyStore}), so a decision never sees half a policy.
 *
 * <p>Evaluation order (docs/policy.md, "How a decision is made"):
 * <ol>
 *   <li>The <b>global stage</b> (rules of global policy files, some possibly scoped to one tenant by their
 *       {@code tenant:} field): by priority, lower first; the first priority level with a matching allow or deny
 *       decides; a deny beats an allow of the same level.</li>
 *   <li>The <b>tenant stage</b> (rules of the request tenant's own policy files), decided the same way.</li>
 *   <li>Combination: a global deny is final (a tenant's policy cannot widen it). A global allow stands unless the
 *       tenant stage denies (a tenant may narrow). When the global stage decided nothing, the tenant stage decides.
 *       When neither decided, the default applies (deny unless a global file says {@code default: allow}).</li>
 *   <li>An allow becomes MODIFY when modify rules of either stage matched; their changes merge in evaluation order,
 *       global before tenant (see {@link Modifications#then}). A modify rule never allows anything by itself.</li>
 * </ol>
 */
public final class PolicySet {

    private final RuleIndex global;
    private final Map<String, RuleIndex> tenants;
    private final Effect defaultEffect;
    private final List<String> sources;
    private final int ruleCount;
    private final List<Rule> rules;

    /**
     * @param globalRules   rules from global policy files
     * @param tenantRules   tenant id → rules from that tenant's policy files
     * @param defaultEffect ALLOW or DENY when nothing decides
     * @param sources       the files it was loaded from, for logs
     */
    public PolicySet(List<Rule> globalRules, Map<String, List<Rule>> tenantRules, Effect defaultEffect,
                     List<String> sources) {
        if (defaultEffect == Effect.MODIFY) {
            throw new IllegalArgumentException("the default effect is allow or deny");
        }
        this.global = new RuleIndex(globalRules);
        Map<String, RuleIndex> t = new HashMap<>();
        int count = globalRules.size();
        for (var e : tenantRules.entrySet()) {
            t.put(e.getKey(), new RuleIndex(e.getValue()));
            count += e.getValue().size();
        }
        this.tenants = Map.copyOf(t);
        this.defaultEffect = defaultEffect;
        this.sources = List.copyOf(sources);
        this.ruleCount = count;
        List<Rule> all = new ArrayList<>(globalRules);
        tenantRules.values().forEach(all::addAll);
        this.rules = List.copyOf(all);
    }

    /** A set with no rules: everything gets the default (deny). */
    public static PolicySet empty() {
        return new PolicySet(List.of(), Map.of(), Effect.DENY, List.of());
    }

    public int ruleCount() {
        return ruleCount;
    }

    /** Every rule, global ones first then each tenant's (for listings; decisions use the indexes). */
    public List<Rule> rules() {
        return rules;
    }

    public List<String> sources() {
        return sources;
    }

    public Effect defaultEffect() {
        return defaultEffect;
    }

    /**
     * Decides one request. Never returns null.
     *
     * @throws PolicyEvaluationException when a rule cannot be evaluated (the caller fails closed)
     */
    public Decision decide(PolicyInput input) {
        RuleIndex.StageResult g = global.evaluate(input);
        RuleIndex tenantIndex = input.scopeTenant() == null ? null : tenants.get(input.scopeTenant());
        RuleIndex.StageResult t = tenantIndex == null || g.effect() == Effect.DENY
                ? new RuleIndex.StageResult(null, List.of())
                : tenantIndex.evaluate(input);

        Rule decider;
        if (g.effect() == Effect.DENY) {
            decider = g.decider();
        } else if (t.effect() == Effect.DENY) {
            decider = t.decider();
        } else if (g.effect() == Effect.ALLOW) {
            decider = g.decider();
        } else {
            decider = t.decider(); // an allow of the tenant stage, or null
        }
        String id = DecisionIds.next();
        if (decider == null) {
            return defaultDecision(id);
        }
        if (decider.effect() == Effect.DENY) {
            return new Decision(Effect.DENY, id, decider.id(), List.of(decider.describe()), Modifications.NONE, List.of());
        }
        List<Rule> modifiers = new ArrayList<>(g.modifiers());
        modifiers.addAll(t.modifiers());
        if (modifiers.isEmpty()) {
            return new Decision(Effect.ALLOW, id, decider.id(), List.of(decider.describe()), Modifications.NONE, List.of());
        }
        Modifications merged = Modifications.NONE;
        List<String> reasons = new ArrayList<>();
        reasons.add(decider.describe());
        List<String> modifiedBy = new ArrayList<>(modifiers.size());
        for (Rule m : modifiers) {
            merged = merged.then(m.modifications());
            modifiedBy.add(m.id());
            if (m.reason() != null) {
                reasons.add(m.reason());
            }
        }
        reasons.addAll(merged.describe(String.join(", ", modifiedBy)));
        return new Decision(Effect.MODIFY, id, decider.id(), reasons, merged, modifiedBy);
    }

    private Decision defaultDecision(String id) {
        return defaultEffect == Effect.ALLOW
                ? new Decision(Effect.ALLOW, id, null, List.of("no rule matched; default: allow"), Modifications.NONE, List.of())
                : new Decision(Effect.DENY, id, null, List.of("no rule allows this request (default: deny)"),
                        Modifications.NONE, List.of());
    }
}
