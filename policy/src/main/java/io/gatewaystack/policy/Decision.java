package io.gatewaystack.policy;

import io.gatewaystack.core.PolicyDecision;
import io.gatewaystack.core.PolicyDecision.Effect;
import java.util.List;

/**
 * The engine's answer for one request.
 *
 * @param effect        ALLOW, DENY, or MODIFY (an allow with modifications)
 * @param decisionId    unique, to find the decision in the audit trail
 * @param ruleId        the allow or deny rule that decided, or null when the default applied
 * @param reasons       human sentences: why, then what was modified
 * @param modifications the merged modifications (empty unless MODIFY)
 * @param modifiedBy    the ids of the modify rules that contributed, in order
 */
public record Decision(Effect effect, String decisionId, String ruleId, List<String> reasons,
                       Modifications modifications, List<String> modifiedBy) {

    /** The rule name shown to clients when no rule matched. */
    public static final String DEFAULT_RULE = "default";

    public Decision {
        reasons = List.copyOf(reasons);
        modifiedBy = List.copyOf(modifiedBy);
        modifications = modifications == null ? Modifications.NONE : modifications;
    }

    public boolean denied() {
        return effect == Effect.DENY;
    }

    /** The rule id for people and clients: the rule, or {@value #DEFAULT_RULE}. */
    public String ruleOrDefault() {
        return ruleId == null ? DEFAULT_RULE : ruleId;
    }

    /** The core record the request context carries. */
    public PolicyDecision toPolicyDecision() {
        return new PolicyDecision(effect, decisionId, ruleId, reasons);
    }
}
