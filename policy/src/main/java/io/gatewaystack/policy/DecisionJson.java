package io.gatewaystack.policy;

import java.util.Locale;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** A decision as JSON, as the tester prints it: effect, decision_id, rule, reasons, modifications. */
public final class DecisionJson {

    private DecisionJson() {}

    public static ObjectNode of(Decision d) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("effect", d.effect().name().toLowerCase(Locale.ROOT));
        out.put("decision_id", d.decisionId());
        out.put("rule", d.ruleOrDefault());
        d.reasons().forEach(out.putArray("reasons")::add);
        ObjectNode m = out.putObject("modifications");
        Modifications mods = d.modifications();
        if (mods.model() != null) m.put("model", mods.model());
        if (mods.provider() != null) m.put("provider", mods.provider());
        if (mods.maxTokens() != null) m.put("max_tokens", mods.maxTokens().intValue());
        if (!mods.redactPii().isEmpty()) mods.redactPii().forEach(m.putArray("redact_pii")::add);
        if (!mods.headers().isEmpty()) {
            ObjectNode h = m.putObject("headers");
            mods.headers().forEach(h::put);
        }
        if (!d.modifiedBy().isEmpty()) d.modifiedBy().forEach(out.putArray("modified_by")::add);
        return out;
    }
}
