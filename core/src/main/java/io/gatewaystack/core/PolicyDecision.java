package io.gatewaystack.core;

import java.util.List;

/**
 * The policy layer's decision, with the rule that made it and the reasons shown to people.
 *
 * @param effect     allow, deny or modify
 * @param decisionId a unique id to find the decision in the audit trail
 * @param ruleId     the rule that decided, or null when the default applied
 * @param reasons    human-readable reasons
 */
public record PolicyDecision(Effect effect, String decisionId, String ruleId, List<String> reasons) {
    public enum Effect { ALLOW, DENY, MODIFY }

    /**
     * Context attribute holding the shadow (candidate) policy's {@code PolicyDecision} when it disagreed with the
     * live one, so the audit trail records the disagreement without knowing the policy module.
     */
    public static final String SHADOW_ATTRIBUTE = "gatewaystack.policy.shadow";

    public PolicyDecision {
        reasons = List.copyOf(reasons);
    }
}
