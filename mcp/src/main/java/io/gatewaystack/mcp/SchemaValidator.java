package io.gatewaystack.mcp;

import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Checks tool arguments against the basics of a JSON Schema: {@code type} (one or a list), {@code required},
 * {@code properties} (recursively), {@code additionalProperties: false} or a schema, {@code enum}, {@code const},
 * {@code items}, {@code minLength}/{@code maxLength}, {@code minimum}/{@code maximum}, {@code minItems}/{@code maxItems}.
 * Other keywords ({@code $ref}, {@code oneOf}, {@code pattern}, formats ...) are not checked: the backend still
 * validates what it receives.
 */
public final class SchemaValidator {

    private static final int MAX_DEPTH = 32;

    private SchemaValidator() {
    }

    /** The first problem found, as one sentence naming the offending location, or null when the value fits. */
    public static String validate(JsonNode schema, JsonNode value) {
        return check(schema, value, "arguments", 0);
    }

    private static String check(JsonNode schema, JsonNode value, String at, int depth) {
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
            return null;
        }
        JsonNode type = schema.get("type");
        if (type != null) {
            boolean ok = false;
            if (type.isString()) {
                ok = hasType(value, type.asString());
            } else if (type.isArray()) {
                for (JsonNode t : type) {
                    ok |= t.isString() && hasType(value, t.asString());
                }
            } else {
                ok = true;
            }
            if (!ok) {
                return at + " must be " + describe(type) + " but is " + typeOf(value) + ".";
            }
        }
        JsonNode en = schema.get("enum");
        if (en != null && en.isArray()) {
            boolean found = false;
            for (JsonNode option : en) {
                found |= sameValue(option, value);
            }
            if (!found) {
                return at + " must be one of " + en + ".";
            }
        }
        JsonNode cn = schema.get("const");
        if (cn != null && !sameValue(cn, value)) {
            return at + " must be " + cn + ".";
        }
        if (value.isString()) {
            int len = value.asString().codePointCount(0, value.asString().length());
            if (schema.path("minLength").isNumber() && len < schema.get("minLength").asInt()) {
                return at + " must be at least " + schema.get("minLength").asInt() + " characters long.";
            }
            if (schema.path("maxLength").isNumber() && len > schema.get("maxLength").asInt()) {
                return at + " must be at most " + schema.get("maxLength").asInt() + " characters long.";
            }
        }
        if (value.isNumber()) {
            if (schema.path("minimum").isNumber() && value.asDouble() < schema.get("minimum").asDouble()) {
                return at + " must be at least " + schema.get("minimum") + ".";
            }
            if (schema.path("maximum").isNumber() && value.asDouble() > schema.get("maximum").asDouble()) {
                return at + " must be at most " + schema.get("maximum") + ".";
            }
        }
        if (value.isArray()) {
            if (schema.path("minItems").isNumber() && value.size() < schema.get("minItems").asInt()) {
                return at + " must have at least " + schema.get("minItems").asInt() + " items.";
            }
            if (schema.path("maxItems").isNumber() && value.size() > schema.get("maxItems").asInt()) {
                return at + " must have at most " + schema.get("maxItems").asInt() + " items.";
            }
            JsonNode items = schema.get("items");
            if (items != null && items.isObject()) {
                for (int i = 0; i < value.size(); i++) {
                    String problem = check(items, value.get(i), at + "[" + i + "]", depth + 1);
                    if (problem != null) {
                        return problem;
                    }
                }
            }
        }
        if (value.isObject()) {
            JsonNode required = schema.get("required");
            if (required != null && required.isArray()) {
                for (JsonNode r : required) {
                    if (r.isString() && !value.has(r.asString())) {
                        return at + " is missing the required property \"" + r.asString() + "\".";
                    }
                }
            }
            JsonNode properties = schema.get("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Map.Entry<String, JsonNode> field : value.properties()) {
                String name = field.getKey();
                JsonNode propertySchema = properties != null && properties.isObject() ? properties.get(name) : null;
                String where = at + "." + name;
                if (propertySchema != null) {
                    String problem = check(propertySchema, field.getValue(), where, depth + 1);
                    if (problem != null) {
                        return problem;
                    }
                } else if (additional != null) {
                    if (additional.isBoolean() && !additional.asBoolean()) {
                        return at + " has the property \"" + name + "\", which the tool does not accept"
                                + allowed(properties) + ".";
                    }
                    if (additional.isObject()) {
                        String problem = check(additional, field.getValue(), where, depth + 1);
                        if (problem != null) {
                            return problem;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String allowed(JsonNode properties) {
        if (properties == null || !properties.isObject() || properties.isEmpty()) {
            return " (it takes no properties)";
        }
        StringBuilder sb = new StringBuilder(" (allowed: ");
        Iterator<String> names = properties.propertyNames().iterator();
        while (names.hasNext()) {
            sb.append(names.next());
            if (names.hasNext()) {
                sb.append(", ");
            }
        }
        return sb.append(')').toString();
    }

    private static boolean hasType(JsonNode v, String type) {
        return switch (type) {
            case "object" -> v.isObject();
            case "array" -> v.isArray();
            case "string" -> v.isString();
            case "boolean" -> v.isBoolean();
            case "null" -> v.isNull();
            case "number" -> v.isNumber();
            case "integer" -> v.isIntegralNumber() || v.isNumber() && v.asDouble() == Math.rint(v.asDouble())
                    && !Double.isInfinite(v.asDouble());
            default -> true; // unknown type names are not ours to judge
        };
    }

    private static String describe(JsonNode type) {
        if (type.isString()) {
            return article(type.asString());
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < type.size(); i++) {
            if (i > 0) {
                sb.append(i == type.size() - 1 ? " or " : ", ");
            }
            sb.append(article(type.get(i).asString("")));
        }
        return sb.toString();
    }

    private static String article(String t) {
        return switch (t) {
            case "object", "array", "integer" -> "an " + t;
            case "null" -> "null";
            default -> "a " + t;
        };
    }

    private static String typeOf(JsonNode v) {
        if (v.isObject()) return "an object";
        if (v.isArray()) return "an array";
        if (v.isString()) return "a string";
        if (v.isBoolean()) return "a boolean";
        if (v.isNull()) return "null";
        if (v.isIntegralNumber()) return "an integer";
        if (v.isNumber()) return "a number";
        return "something else";
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
