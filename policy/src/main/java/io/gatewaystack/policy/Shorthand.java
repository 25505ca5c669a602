package io.gatewaystack.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The seed's two compact forms, rewritten into the canonical rule form:
 * <ul>
 *   <li>models: {@code {"gpt-4-medical": {"requiredRoles": ["doctor"], "requiredScopes": ["medical:write"]}}} — the
 *       model is allowed to a caller holding any of the roles and all of the scopes;</li>
 *   <li>tools ({@code TOOL_SCOPES_JSON}): {@code {"toolName": ["scope", ...]}} — the tool is allowed to a caller
 *       holding all the scopes; an empty list needs no scope (as in the seed).</li>
 * </ul>
 * Each entry becomes an allow rule {@code <name>/allow} (priority 100) and, when it requires anything, a deny rule
 * {@code <name>/deny} (priority 101) for the same resource, so a caller who lacks them gets a reason naming what is
 * missing rather than the bare default.
 */
final class Shorthand {

    static final int ALLOW_PRIORITY = Rule.DEFAULT_PRIORITY;
    static final int DENY_PRIORITY = Rule.DEFAULT_PRIORITY + 1;

    private Shorthand() {}

    /** True when the document is one of the compact forms rather than a file with {@code rules}. */
    static boolean applies(JsonNode root) {
        if (!root.isObject() || root.has("rules")) {
            return false;
        }
        for (JsonNode v : root.values()) {
            if (!(v.isArray() || v.isObject() && isModelEntry(v))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isModelEntry(JsonNode v) {
        for (String key : v.propertyNames()) {
            if (!Set.of("requiredRoles", "requiredScopes").contains(key)) {
                return false;
            }
        }
        return true;
    }

    /** The canonical document, or problems (each naming the entry's line). */
    static JsonNode rewrite(JsonNode root, String file, LineIndex lines, List<PolicyProblem> problems) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode doc = f.objectNode();
        ArrayNode rules = doc.putArray("rules");
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            String at = "/" + name.replace("~", "~0").replace("/", "~1");
            if (v.isArray()) {
                List<String> scopes = strings(v, file, lines, at, name, problems);
                if (scopes != null) {
                    addPair(rules, "tool", name, List.of(), scopes,
                            "tool " + name + " requires scopes " + String.join(", ", scopes));
                }
            } else {
                List<String> roles = v.has("requiredRoles")
                        ? strings(v.get("requiredRoles"), file, lines, at + "/requiredRoles", name, problems) : List.of();
                List<String> scopes = v.has("requiredScopes")
                        ? strings(v.get("requiredScopes"), file, lines, at + "/requiredScopes", name, problems) : List.of();
                if (roles != null && scopes != null) {
                    List<String> needs = new ArrayList<>();
                    if (!roles.isEmpty()) needs.add("one of the roles " + String.join(", ", roles));
                    if (!scopes.isEmpty()) needs.add("the scopes " + String.join(", ", scopes));
                    addPair(rules, "model", name, roles, scopes, "model " + name + " requires " + String.join(" and ", needs));
                }
            }
        }
        return doc;
    }

    private static void addPair(ArrayNode rules, String field, String name, List<String> roles, List<String> scopes,
                                String denyReason) {
        ObjectNode allow = rules.addObject();
        allow.put("id", name + "/allow");
        allow.put("priority", ALLOW_PRIORITY);
        allow.put("effect", "allow");
        ObjectNode when = allow.putObject("when");
        when.put(field, name);
        if (!roles.isEmpty()) {
            roles.forEach(when.putObject("roles").putArray("any")::add);
        }
        if (!scopes.isEmpty()) {
            scopes.forEach(when.putObject("scopes").putArray("all")::add);
        }
        if (roles.isEmpty() && scopes.isEmpty()) {
            return; // nothing required: nobody to deny
        }
        ObjectNode deny = rules.addObject();
        deny.put("id", name + "/deny");
        deny.put("priority", DENY_PRIORITY);
        deny.put("effect", "deny");
        deny.put("reason", denyReason);
        deny.putObject("when").put(field, name);
    }

    private static List<String> strings(JsonNode node, String file, LineIndex lines, String at, String name,
                                        List<PolicyProblem> problems) {
        if (!node.isArray()) {
            problems.add(new PolicyProblem(file, lines.lineOf(at), name, "expected a list of strings"));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode v : node) {
            if (!v.isString() || v.stringValue().isBlank()) {
                problems.add(new PolicyProblem(file, lines.lineOf(at), name, "expected a list of non-empty strings"));
                return null;
            }
            out.add(v.stringValue());
        }
        return out;
    }
}
