package io.gatewaystack.policy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The tester's request description ({@code gatewaystack policy test --request REQ.json}), every field optional:
 * <pre>{"identity": {"sub", "issuer", "org", "tenant", "plan", "roles": [], "scopes": [], "claims": {}},
 *  "route", "method", "model", "provider", "tool",
 *  "content": {"labels": [], "pii": {"email": 1}, "risk_score": 0},
 *  "request": {"max_tokens", "stream", "time": "2026-01-05T09:30:00Z"}}</pre>
 */
public final class PolicyRequestJson {

    private static final Set<String> TOP = Set.of("identity", "route", "method", "model", "provider", "tool", "content", "request");

    private PolicyRequestJson() {}

    /** @throws IllegalArgumentException naming the field that is wrong */
    public static PolicyInput parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a request is a JSON object");
        }
        for (String key : root.propertyNames()) {
            if (!TOP.contains(key)) {
                throw new IllegalArgumentException("unknown field '" + key + "' (expected " + String.join(", ", new java.util.TreeSet<>(TOP)) + ")");
            }
        }
        PolicyInput.Builder b = PolicyInput.builder()
                .route(text(root, "route")).method(text(root, "method")).model(text(root, "model"))
                .provider(text(root, "provider")).tool(text(root, "tool"));
        JsonNode id = object(root, "identity");
        if (id != null) {
            b.subject(text(id, "sub")).issuer(text(id, "issuer")).org(text(id, "org")).tenant(text(id, "tenant"))
                    .plan(text(id, "plan")).roles(strings(id, "roles")).scopes(strings(id, "scopes"));
            JsonNode claims = object(id, "claims");
            if (claims != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) toJava(claims);
                b.claims(map);
            }
        }
        JsonNode content = object(root, "content");
        if (content != null) {
            b.labels(strings(content, "labels"));
            JsonNode pii = content.get("pii");
            if (pii != null) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                if (pii.isArray()) {
                    for (String type : strings(content, "pii")) {
                        counts.merge(type, 1, Integer::sum);
                    }
                } else if (pii.isObject()) {
                    for (Map.Entry<String, JsonNode> e : pii.properties()) {
                        if (!e.getValue().isIntegralNumber()) {
                            throw new IllegalArgumentException("content.pii." + e.getKey() + " must be a count");
                        }
                        counts.put(e.getKey(), e.getValue().asInt());
                    }
                } else {
                    throw new IllegalArgumentException("content.pii must be {type: count} or a list of types");
                }
                b.pii(counts);
            }
            b.riskScore(integer(content, "risk_score", "content."));
        }
        JsonNode request = object(root, "request");
        if (request != null) {
            b.maxTokens(integer(request, "max_tokens", "request."));
            JsonNode stream = request.get("stream");
            if (stream != null && !stream.isNull()) {
                if (!stream.isBoolean()) {
                    throw new IllegalArgumentException("request.stream must be true or false");
                }
                b.stream(stream.booleanValue());
            }
            String time = text(request, "time");
            if (time != null) {
                try {
                    b.time(Instant.parse(time));
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException("request.time must be an ISO instant like 2026-01-05T09:30:00Z");
                }
            }
        }
        return b.build();
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return v.stringValue();
    }

    private static JsonNode object(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            throw new IllegalArgumentException(key + " must be an object");
        }
        return v;
    }

    private static List<String> strings(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(key + " must be a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isString()) {
                throw new IllegalArgumentException(key + " must be a list of strings");
            }
            out.add(s.stringValue());
        }
        return out;
    }

    private static Integer integer(JsonNode node, String key, String prefix) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(prefix + key + " must be an integer");
        }
        return v.asInt();
    }

    private static Object toJava(JsonNode v) {
        if (v.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            v.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
            return m;
        }
        if (v.isArray()) {
            List<Object> l = new ArrayList<>();
            v.forEach(e -> l.add(toJava(e)));
            return l;
        }
        if (v.isIntegralNumber()) return v.longValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isBoolean()) return v.booleanValue();
        if (v.isNull()) return null;
        return v.asString();
    }
}
