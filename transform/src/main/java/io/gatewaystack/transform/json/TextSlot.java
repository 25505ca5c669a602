package io.gatewaystack.transform.json;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One string value inside a JSON body that the transform scans, and how to write it back.
 *
 * @param path   JSON Pointer of the value (RFC 6901), e.g. {@code /messages/0/content}
 * @param parent the object or array holding it
 * @param key    the member name when the parent is an object, else null
 * @param index  the position when the parent is an array, else -1
 * @param text   the current value
 */
public record TextSlot(String path, JsonNode parent, String key, int index, String text) {

    /**
     * Whether the value is a JSON document written as a string: a tool call's {@code arguments} (OpenAI
     * {@code tool_calls[].function.arguments}, Responses {@code function_call}, MCP when a string). Scan it with
     * {@link JsonEscapes#blank} so escape sequences are not read as text.
     */
    public boolean holdsJson() {
        return "arguments".equals(key);
    }

    /** Replaces the value in the tree, keeping its place. */
    public void set(String newText) {
        if (parent instanceof ObjectNode o) {
            o.put(key, newText);
        } else {
            ((ArrayNode) parent).set(index, newText);
        }
    }
}
