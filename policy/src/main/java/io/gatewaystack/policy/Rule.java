package io.gatewaystack.policy;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.util.Objects;

/**
 * One compiled rule.
 *
 * @param id            unique within the policy set
 * @param priority      lower is evaluated first (default 100, as in the seed)
 * @param tenant        the only tenant it applies to, or null for every tenant
 * @param effect        allow, deny or modify
 * @param reason        the human reason shown with a decision it makes, or null for a generated one
 * @param condition     when it matches
 * @param modifications what a modify rule changes ({@link Modifications#NONE} for the others)
 * @param indexKey      the exact resource values that let the index skip it for other resources
 * @param source        where it was written: {@code file:line}
 */
public record Rule(String id, int priority, String tenant, Effect effect, String reason, Condition condition,
                   Modifications modifications, IndexKey indexKey, String source) {

    public static final int DEFAULT_PRIORITY = 100;

    public Rule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(effect, "effect");
        Objects.requireNonNull(condition, "condition");
        modifications = modifications == null ? Modifications.NONE : modifications;
        indexKey = indexKey == null ? IndexKey.NONE : indexKey;
    }

    boolean appliesTo(PolicyInput input) {
        return (tenant == null || tenant.equals(input.scopeTenant())) && condition.test(input);
    }

    /** The reason a decision made by this rule carries. */
    String describe() {
        if (reason != null) {
            return reason;
        }
        return switch (effect) {
            case ALLOW -> "allowed by rule " + id;
            case DENY -> "denied by rule " + id;
            case MODIFY -> "modified by rule " + id;
        };
    }
}
