package io.gatewaystack.proxy.llm;

import io.gatewaystack.core.JsonMappers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Small, null-tolerant JSON helpers shared by the translators (package-private). */
final class Json {

    static final JsonMapper MAPPER = JsonMappers.forRequestPath();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    static ObjectNode object() {
        return NODES.objectNode();
    }

    static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** The string value of a string node; null for anything else (missing, null, numbers, containers). */
    static String str(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : null;
    }

    static String str(JsonNode parent, String field) {
        return parent == null ? null : str(parent.get(field));
    }

    static long lng(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        return n != null && n.isNumber() ? n.asLong() : 0L;
    }

    static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    static boolean isObject(JsonNode node) {
        return node != null && node.isObject();
    }

    static boolean isArray(JsonNode node) {
        return node != null && node.isArray();
    }

    /** Compact JSON text of a node. */
    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** Parses JSON text; null when it is not valid JSON. */
    static JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return MAPPER.readTree(text);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Parses JSON text that should be an object; null otherwise. */
    static ObjectNode parseObject(String text) {
        JsonNode node = parse(text);
        return node instanceof ObjectNode o ? o : null;
    }
}
