package io.gatewaystack.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * A position in the configuration tree that knows its own key path, so every error names the exact key.
 * Reading is explicit (no reflection binding): each setting is read by name with its type and range.
 */
final class ConfigNode {

    private final JsonNode node;
    private final String path;

    ConfigNode(JsonNode node, String path) {
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
        this.path = path;
    }

    String path() {
        return path;
    }

    boolean isPresent() {
        return !node.isMissingNode();
    }

    /** The raw tree below a key (e.g. a JSON schema given inline), or null. */
    JsonNode raw(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    /** This node's own raw value (e.g. a list item that is a plain string), or null when absent. */
    JsonNode value() {
        return isPresent() ? node : null;
    }

    /** The keys of this mapping, in file order (empty when absent). */
    List<String> names() {
        if (!isPresent()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new ConfigException(path, "must be a mapping");
        }
        return List.copyOf(node.propertyNames());
    }

    String keyOf(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    ConfigNode child(String name) {
        if (isPresent() && !node.isObject()) {
            throw new ConfigException(path, "must be a mapping");
        }
        return new ConfigNode(node.get(name), keyOf(name));
    }

    /** Rejects keys this section does not know, so a typo is an error rather than a silently ignored setting. */
    ConfigNode allowOnly(Set<String> known) {
        if (!isPresent()) {
            return this;
        }
        if (!node.isObject()) {
            throw new ConfigException(path.isEmpty() ? "(root)" : path, "must be a mapping");
        }
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                throw new ConfigException(keyOf(name), "unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
        return this;
    }

    String string(String name, String fallback) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return fallback;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw new ConfigException(keyOf(name), "must be a string");
        }
        String s = v.asString().trim();
        return s.isEmpty() ? fallback : s;
    }

    int integer(String name, int fallback, int min, int max) {
        long v = longValue(name, fallback, min, max);
        return (int) v;
    }

    long longValue(String name, long fallback, long min, long max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return fallback;
        }
        long value;
        if (v.isIntegralNumber()) {
            value = v.asLong();
        } else if (v.isString()) {
            try {
                value = Long.parseLong(v.asString().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(keyOf(name), "must be a whole number, got '" + v.asString() + "'");
            }
        } else {
            throw new ConfigException(keyOf(name), "must be a whole number");
        }
        if (value < min || value > max) {
            throw new ConfigException(keyOf(name), "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    Duration seconds(String name, Duration fallback, long min, long max) {
        long v = longValue(name, fallback.toSeconds(), min, max);
        return Duration.ofSeconds(v);
    }

    Duration millis(String name, Duration fallback, long min, long max) {
        long v = longValue(name, fallback.toMillis(), min, max);
        return Duration.ofMillis(v);
    }

    boolean bool(String name, boolean fallback) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return fallback;
        }
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isString()) {
            String s = v.asString().trim().toLowerCase(java.util.Locale.ROOT);
            if (s.equals("true") || s.equals("1") || s.equals("yes")) {
                return true;
            }
            if (s.equals("false") || s.equals("0") || s.equals("no") || s.isEmpty()) {
                return false;
            }
        }
        throw new ConfigException(keyOf(name), "must be true or false");
    }

    /** A list given as a YAML sequence, or as one string separated by commas and/or spaces. */
    List<String> stringList(String name, List<String> fallback) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return fallback;
        }
        List<String> out = new ArrayList<>();
        if (v.isArray()) {
            int i = 0;
            for (JsonNode item : v) {
                if (!item.isValueNode()) {
                    throw new ConfigException(keyOf(name) + "[" + i + "]", "must be a string");
                }
                String s = item.asString().trim();
                if (!s.isEmpty()) {
                    out.add(s);
                }
                i++;
            }
        } else if (v.isValueNode()) {
            for (String s : v.asString().split("[,\\s]+")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        } else {
            throw new ConfigException(keyOf(name), "must be a list of strings");
        }
        return List.copyOf(out);
    }

    List<ConfigNode> list(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull() || v.isMissingNode()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new ConfigException(keyOf(name), "must be a list");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new ConfigNode(v.get(i), keyOf(name) + "[" + i + "]"));
        }
        return out;
    }

    /** A mapping of names to string lists, e.g. tool name to required scopes. */
    Map<String, List<String>> stringListMap(String name) {
        ConfigNode m = child(name);
        if (!m.isPresent()) {
            return Map.of();
        }
        if (!m.node.isObject()) {
            throw new ConfigException(m.path, "must be a mapping of names to lists of strings");
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String key : m.node.propertyNames()) {
            out.put(key, m.stringList(key, List.of()));
        }
        return out;
    }
}
