package io.gatewaystack.policy;

import io.gatewaystack.core.RequestBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Applies a decision's body changes (model reroute, token cap) to an OpenAI- or Anthropic-style JSON body. */
final class BodyModifier {

    private static final String[] TOKEN_FIELDS = {"max_tokens", "max_completion_tokens"};

    private BodyModifier() {}

    /** @return false when the changes need a JSON object body and there is none (the caller then denies) */
    static boolean apply(RequestBody body, Modifications m) {
        if (!m.needsBody()) {
            return true;
        }
        if (body == null || !(body.json() instanceof ObjectNode json)) {
            return false;
        }
        if (m.model() != null) {
            json.put("model", m.model());
        }
        if (m.maxTokens() != null) {
            boolean present = false;
            for (String field : TOKEN_FIELDS) {
                JsonNode v = json.get(field);
                if (v != null) {
                    present = true;
                    if (!v.isNumber() || v.asLong() > m.maxTokens()) {
                        json.put(field, m.maxTokens().intValue());
                    }
                }
            }
            if (!present) {
                json.put("max_tokens", m.maxTokens().intValue()); // no limit asked for: the cap becomes the limit
            }
        }
        body.replace(json);
        return true;
    }
}
