package io.gatewaystack.mcp;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns what a tool backend did into an MCP {@code CallToolResult}:
 * <ul>
 *   <li>2xx with a JSON object: {@code content:[{type:text, text:<its "summary" string, else the JSON>}],
 *       structuredContent:<the object>, isError:<true only when it says "ok": false>}; a JSON array or scalar is
 *       wrapped as {@code {"result": ...}} (structured content must be an object);</li>
 *   <li>2xx with {@code text/plain}: the text; 2xx with no body: "Tool X completed.";</li>
 *   <li>2xx that claims JSON but is not, non-2xx, timeout, unreachable: {@code isError:true} with one clear
 *       sentence (and the backend's JSON error body as {@code structuredContent} when it sent one).</li>
 * </ul>
 */
public final class ToolResults {

    /** How much of a backend's error text is quoted back. */
    static final int MAX_QUOTE = 500;

    private ToolResults() {
    }

    public static ObjectNode fromBackend(ToolDefinition tool, ToolInvoker.BackendResponse response) {
        int status = response.status();
        byte[] body = response.body();
        String contentType = response.contentType() == null ? "" : response.contentType().toLowerCase(Locale.ROOT);
        boolean saysJson = contentType.isEmpty() || contentType.contains("json");
        JsonNode json = null;
        if (body.length > 0 && saysJson) {
            try {
                json = JsonRpc.MAPPER.readTree(body);
            } catch (JacksonException e) {
                json = null;
            }
        }
        if (status >= 200 && status < 300) {
            if (body.length == 0) {
                return text("Tool '" + tool.name() + "' completed.", false);
            }
            if (json == null) {
                if (contentType.startsWith("text/")) {
                    return text(new String(body, StandardCharsets.UTF_8), false);
                }
                return text("Tool '" + tool.name() + "' failed: its backend answered with a body that is not valid JSON.", true);
            }
            ObjectNode structured = json.isObject() ? (ObjectNode) json : wrap(json);
            boolean failed = json.isObject() && json.path("ok").isBoolean() && !json.path("ok").asBoolean();
            JsonNode summary = json.path("summary");
            String text = summary.isString() ? summary.asString() : json.toString();
            ObjectNode result = text(text, failed);
            result.set("structuredContent", structured);
            return result;
        }
        StringBuilder message = new StringBuilder("Tool '").append(tool.name()).append("' failed: its backend answered HTTP ").append(status);
        String detail = json != null ? errorDetail(json) : contentType.startsWith("text/") ? new String(body, StandardCharsets.UTF_8) : null;
        if (detail != null && !detail.isBlank()) {
            message.append(": ").append(truncate(detail.strip()));
        }
        message.append('.');
        ObjectNode result = text(message.toString(), true);
        if (json != null && json.isObject()) {
            result.set("structuredContent", json);
        }
        return result;
    }

    /** The error result for a call that got no answer (a {@link ToolCallException} or anything else). */
    public static ObjectNode fromFailure(ToolDefinition tool, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String name = "Tool '" + tool.name() + "'";
        String message;
        if (cause instanceof ToolCallException e) {
            message = switch (e.kind()) {
                case TIMEOUT -> name + " did not answer within " + tool.timeout().toMillis() + " ms.";
                case UNREACHABLE -> name + " is unavailable: its backend could not be reached.";
                case BLOCKED -> name + " is misconfigured: its backend address is not allowed.";
                case TOO_LARGE -> name + " failed: its backend's answer is too large.";
                case FAILED -> name + " failed: " + e.getMessage();
            };
        } else if (cause instanceof java.util.concurrent.TimeoutException) {
            message = name + " did not answer within " + tool.timeout().toMillis() + " ms.";
        } else {
            message = name + " failed: the gateway could not complete the call.";
        }
        return text(message, true);
    }

    /** {@code {content:[{type:"text",text}], isError}}. */
    public static ObjectNode text(String text, boolean isError) {
        ObjectNode result = JsonRpc.NODES.objectNode();
        ArrayNode content = result.putArray("content");
        ObjectNode block = content.addObject();
        block.put("type", "text");
        block.put("text", text);
        result.put("isError", isError);
        return result;
    }

    private static ObjectNode wrap(JsonNode json) {
        ObjectNode o = JsonRpc.NODES.objectNode();
        o.set("result", json);
        return o;
    }

    /** A backend error's human part: {@code error_description}, {@code message}, {@code error} (string or object). */
    static String errorDetail(JsonNode json) {
        for (String field : new String[] {"error_description", "message", "explanation"}) {
            if (json.path(field).isString()) {
                return json.path(field).asString();
            }
        }
        JsonNode error = json.path("error");
        if (error.isString()) {
            return error.asString();
        }
        if (error.isObject() && error.path("message").isString()) {
            return error.path("message").asString();
        }
        return json.isObject() || json.isArray() ? json.toString() : json.asString();
    }

    static String truncate(String s) {
        return s.length() <= MAX_QUOTE ? s : s.substring(0, MAX_QUOTE) + "…";
    }
}
