package io.gatewaystack.policy;

import io.gatewaystack.core.RequestBody;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies a decision's body changes (model reroute, token cap) to an OpenAI (chat or Responses) or Anthropic JSON
 * body.
 */
final class BodyModifier {

    private static final String[] TOKEN_FIELDS = {"max_tokens", "max_completion_tokens", "max_output_tokens"};

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
                // no limit asked for: the cap becomes the limit, in the field the body's API knows
                json.put(isResponsesApi(json) ? "max_output_tokens" : "max_tokens", m.maxTokens().intValue());
            }
        }
        body.replace(json);
        return true;
    }

    /** OpenAI Responses API bodies have {@code input} and no {@code messages}; they reject {@code max_tokens}. */
    private static boolean isResponsesApi(ObjectNode json) {
        return json.has("input") && !json.has("messages");
    }
}
