package io.gatewaystack.policy;

import com.google.protobuf.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts as CEL values: maps with string keys, {@code long} numbers, lists. A missing fact is an absent key,
 * so a rule can ask {@code has(identity.claims.department)} before reading it.
 */
final class CelFacts {

    private CelFacts() {}

    static Map<String, Object> of(PolicyInput in) {
        Map<String, Object> identity = new HashMap<>();
        put(identity, "sub", in.subject());
        put(identity, "issuer", in.issuer());
        put(identity, "org", in.org());
        put(identity, "tenant", in.tenant());
        put(identity, "plan", in.plan());
        identity.put("roles", List.copyOf(in.roles()));
        identity.put("scopes", List.copyOf(in.scopes()));
        identity.put("claims", normalise(in.claims()));

        Map<String, Object> resource = new HashMap<>();
        put(resource, "route", in.route());
        put(resource, "method", in.method());
        put(resource, "model", in.model());
        put(resource, "provider", in.provider());
        put(resource, "tool", in.tool());

        Map<String, Object> content = new HashMap<>();
        content.put("labels", List.copyOf(in.labels()));
        content.put("pii", normalise(in.pii()));
        put(content, "risk_score", in.riskScore() == null ? null : (long) in.riskScore());

        Map<String, Object> request = new HashMap<>();
        put(request, "max_tokens", in.maxTokens() == null ? null : (long) in.maxTokens());
        put(request, "stream", in.stream());

        Timestamp now = Timestamp.newBuilder()
                .setSeconds(in.time().getEpochSecond()).setNanos(in.time().getNano()).build();
        return Map.of("identity", identity, "resource", resource, "content", content, "request", request, "now", now);
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Claims come as Java objects of many kinds; CEL wants long, double, String, Boolean, List and Map. */
    static Object normalise(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof Long || value instanceof Double || value instanceof String || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new HashMap<>();
            map.forEach((k, v) -> {
                if (v != null) {
                    out.put(String.valueOf(k), normalise(v));
                }
            });
            return out;
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object v : list) {
                if (v != null) {
                    out.add(normalise(v));
                }
            }
            return out;
        }
        return String.valueOf(value);
    }
}
