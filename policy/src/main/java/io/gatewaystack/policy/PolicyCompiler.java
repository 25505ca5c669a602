package io.gatewaystack.policy;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import tools.jackson.databind.JsonNode;

/**
 * Turns one parsed policy document (the canonical form, see docs/policy.md) into rules, collecting every problem
 * with its line rather than stopping at the first. Regexes, globs and CEL are compiled here, once.
 */
final class PolicyCompiler {

    static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "tenant", "default", "rules", "description");
    static final Set<String> RULE_KEYS = Set.of("id", "description", "priority", "tenant", "effect", "reason", "when",
            "modify");
    static final List<String> OPERATORS = List.of("equals", "in", "any", "all", "none", "glob", "regex", "exists",
            "gt", "gte", "lt", "lte", "between");

    /** The rules of one file, and what the file says about itself. */
    record CompiledFile(String file, String tenant, Effect defaultEffect, List<Rule> rules) {}

    private final String file;
    private final LineIndex lines;
    private final List<PolicyProblem> problems;
    private String ruleId;

    PolicyCompiler(String file, LineIndex lines, List<PolicyProblem> problems) {
        this.file = file;
        this.lines = lines;
        this.problems = problems;
    }

    CompiledFile compile(JsonNode root) {
        ruleId = null;
        if (!root.isObject()) {
            problem("", "a policy file is an object with a 'rules' list");
            return new CompiledFile(file, null, null, List.of());
        }
        for (String key : root.propertyNames()) {
            if (!TOP_LEVEL_KEYS.contains(key)) {
                problem("/" + key, "unknown key '" + key + "' (expected one of " + sorted(TOP_LEVEL_KEYS) + ")");
            }
        }
        String tenant = optionalText(root, "tenant", "");
        Effect defaultEffect = null;
        if (root.has("default")) {
            String d = optionalText(root, "default", "");
            if (tenant != null) {
                problem("/default", "a tenant policy file cannot set the default effect");
            } else if ("allow".equals(d)) {
                defaultEffect = Effect.ALLOW;
            } else if ("deny".equals(d)) {
                defaultEffect = Effect.DENY;
            } else {
                problem("/default", "default must be 'allow' or 'deny'");
            }
        }
        JsonNode rulesNode = root.get("rules");
        List<Rule> rules = new ArrayList<>();
        if (rulesNode == null || !rulesNode.isArray()) {
            problem("/rules", "'rules' must be a list of rules");
        } else {
            for (int i = 0; i < rulesNode.size(); i++) {
                Rule rule = rule(rulesNode.get(i), "/rules/" + i, tenant);
                if (rule != null) {
                    rules.add(rule);
                }
            }
        }
        return new CompiledFile(file, tenant, defaultEffect, rules);
    }

    private Rule rule(JsonNode node, String at, String fileTenant) {
        ruleId = null;
        if (!node.isObject()) {
            problem(at, "a rule is an object with id, effect and when");
            return null;
        }
        int before = problems.size();
        ruleId = optionalText(node, "id", at);
        if (ruleId == null) {
            ruleId = "#" + at.substring(at.lastIndexOf('/') + 1);
            problem(at, "a rule needs an 'id'");
        } else if (Decision.DEFAULT_RULE.equals(ruleId)) {
            problem(at + "/id", "'" + Decision.DEFAULT_RULE + "' is reserved for the default decision");
        }
        for (String key : node.propertyNames()) {
            if (!RULE_KEYS.contains(key)) {
                problem(at + "/" + key, "unknown key '" + key + "' (expected one of " + sorted(RULE_KEYS) + ")");
            }
        }
        Effect effect = null;
        String effectText = optionalText(node, "effect", at);
        if (effectText == null) {
            problem(at, "a rule needs an 'effect': allow, deny or modify");
        } else {
            switch (effectText) {
                case "allow" -> effect = Effect.ALLOW;
                case "deny" -> effect = Effect.DENY;
                case "modify" -> effect = Effect.MODIFY;
                default -> problem(at + "/effect", "effect must be allow, deny or modify, not '" + effectText + "'");
            }
        }
        int priority = Rule.DEFAULT_PRIORITY;
        JsonNode p = node.get("priority");
        if (p != null) {
            if (p.isIntegralNumber() && p.canConvertToInt()) {
                priority = p.asInt();
            } else {
                problem(at + "/priority", "priority must be an integer");
            }
        }
        String tenant = optionalText(node, "tenant", at);
        if (fileTenant != null) {
            if (tenant != null && !tenant.equals(fileTenant)) {
                problem(at + "/tenant", "a rule in tenant " + fileTenant + "'s policy cannot apply to tenant " + tenant);
            }
            tenant = fileTenant;
        }
        String reason = optionalText(node, "reason", at);
        JsonNode when = node.get("when");
        Condition condition = when == null ? Condition.ALWAYS : condition(when, at + "/when");
        IndexKey indexKey = when == null ? IndexKey.NONE : indexKey(when);
        Modifications mods = Modifications.NONE;
        JsonNode modify = node.get("modify");
        if (effect == Effect.MODIFY) {
            if (modify == null) {
                problem(at, "a modify rule needs a 'modify' block");
            } else {
                mods = modifications(modify, at + "/modify");
            }
        } else if (modify != null) {
            problem(at + "/modify", "only a rule with effect modify can have a 'modify' block");
        }
        if (problems.size() > before || effect == null || condition == null) {
            return null;
        }
        return new Rule(ruleId, priority, tenant, effect, reason, condition, mods, indexKey,
                file + ":" + lines.lineOf(at));
    }

    // ---- conditions -----------------------------------------------------------------------------------------------

    private Condition condition(JsonNode node, String at) {
        if (!node.isObject()) {
            problem(at, "a condition is an object (field: matcher, or all/any/not/cel/time)");
            return null;
        }
        List<Condition> parts = new ArrayList<>();
        boolean ok = true;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = e.getKey();
            String here = at + "/" + escape(key);
            Condition c = switch (key) {
                case "all" -> list(e.getValue(), here, true);
                case "any" -> list(e.getValue(), here, false);
                case "not" -> {
                    Condition inner = condition(e.getValue(), here);
                    yield inner == null ? null : Conditions.not(inner);
                }
                case "cel" -> cel(e.getValue(), here);
                case "time" -> time(e.getValue(), here);
                default -> field(key, e.getValue(), here);
            };
            if (c == null) {
                ok = false;
            } else {
                parts.add(c);
            }
        }
        return ok ? Conditions.all(parts) : null;
    }

    private Condition list(JsonNode node, String at, boolean all) {
        if (!node.isArray() || node.isEmpty()) {
            problem(at, (all ? "all" : "any") + " takes a non-empty list of conditions");
            return null;
        }
        List<Condition> parts = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            Condition c = condition(node.get(i), at + "/" + i);
            if (c == null) {
                return null;
            }
            parts.add(c);
        }
        return all ? Conditions.all(parts) : Conditions.any(parts);
    }

    private Condition cel(JsonNode node, String at) {
        if (!node.isString()) {
            problem(at, "cel takes an expression string");
            return null;
        }
        try {
            return CelCondition.compile(node.stringValue());
        } catch (CelCondition.InvalidExpressionException e) {
            problem(at, "invalid CEL expression: " + e.getMessage().replace('\n', ' '));
            return null;
        }
    }

    private Condition time(JsonNode node, String at) {
        if (!node.isObject()) {
            problem(at, "time takes {after, before, zone, days}");
            return null;
        }
        try {
            LocalTime after = node.has("after") ? LocalTime.parse(node.get("after").asString()) : null;
            LocalTime before = node.has("before") ? LocalTime.parse(node.get("before").asString()) : null;
            ZoneId zone = node.has("zone") ? ZoneId.of(node.get("zone").asString()) : ZoneId.of("UTC");
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            if (node.has("days")) {
                for (JsonNode d : node.get("days")) {
                    days.add(day(d.asString()));
                }
            }
            for (String key : node.propertyNames()) {
                if (!Set.of("after", "before", "zone", "days").contains(key)) {
                    problem(at + "/" + key, "unknown key '" + key + "' in time (expected after, before, zone, days)");
                    return null;
                }
            }
            return new TimeOfDayCondition(after, before, zone, days);
        } catch (java.time.DateTimeException | IllegalArgumentException e) {
            problem(at, "invalid time condition: " + e.getMessage() + " (times are HH:MM, zones like Europe/Berlin, days like mon)");
            return null;
        }
    }

    private static DayOfWeek day(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(t) && t.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("unknown day '" + text + "'");
    }

    private Condition field(String name, JsonNode node, String at) {
        Fact fact = Fact.named(name);
        if (fact == null) {
            problem(at, "unknown field '" + name + "' (known: " + String.join(", ", Fact.NAMES) + ", or all/any/not/cel/time)");
            return null;
        }
        Matcher m = matcher(node, at);
        return m == null ? null : new FieldCondition(fact, m);
    }

    private Matcher matcher(JsonNode node, String at) {
        if (node.isValueNode() && !node.isNull()) {
            return new Matcher.Equals(scalar(node));
        }
        if (node.isArray()) {
            Set<String> values = texts(node, at);
            return values == null ? null : new Matcher.In(values);
        }
        if (!node.isObject() || node.isEmpty()) {
            problem(at, "a matcher is a value, a list of values, or an object of operators " + OPERATORS);
            return null;
        }
        List<Matcher> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            Matcher m = operator(e.getKey(), e.getValue(), at + "/" + escape(e.getKey()));
            if (m == null) {
                return null;
            }
            parts.add(m);
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new Matcher() {
            @Override
            public boolean matches(Object value) {
                for (Matcher m : parts) {
                    if (!m.matches(value)) {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public boolean matchesMissing() {
                for (Matcher m : parts) {
                    if (!m.matchesMissing()) {
                        return false;
                    }
                }
                return true;
            }
        };
    }

    private Matcher operator(String op, JsonNode v, String at) {
        switch (op) {
            case "equals" -> {
                if (!v.isValueNode() || v.isNull()) {
                    problem(at, "equals takes a single value");
                    return null;
                }
                return new Matcher.Equals(scalar(v));
            }
            case "in", "any" -> {
                Set<String> values = texts(v, at);
                return values == null ? null : new Matcher.In(values);
            }
            case "all" -> {
                Set<String> values = texts(v, at);
                return values == null ? null : new Matcher.ContainsAll(values);
            }
            case "none" -> {
                Set<String> values = texts(v, at);
                return values == null ? null : new Matcher.ContainsNone(values);
            }
            case "glob", "regex" -> {
                List<String> patterns = v.isString() ? List.of(v.stringValue()) : null;
                if (patterns == null) {
                    Set<String> values = texts(v, at);
                    if (values == null) {
                        return null;
                    }
                    patterns = List.copyOf(values);
                }
                List<String> regexes = new ArrayList<>();
                for (String pattern : patterns) {
                    regexes.add(op.equals("glob") ? Glob.toRegex(pattern) : pattern);
                }
                try {
                    // Several patterns: any of them; invalid regex is a load error, never a silent no-match.
                    String joined = regexes.size() == 1 ? regexes.get(0) : "(?:" + String.join(")|(?:", regexes) + ")";
                    return new Matcher.PatternMatch(Pattern.compile(joined), op.equals("glob"));
                } catch (PatternSyntaxException e) {
                    problem(at, "invalid regex: " + e.getDescription() + " in '" + e.getPattern() + "'");
                    return null;
                }
            }
            case "exists" -> {
                if (!v.isBoolean()) {
                    problem(at, "exists takes true or false");
                    return null;
                }
                return new Matcher.Exists(v.booleanValue());
            }
            case "gt", "gte", "lt", "lte" -> {
                if (!v.isNumber()) {
                    problem(at, op + " takes a number");
                    return null;
                }
                return new Matcher.Compare(Matcher.Compare.Op.valueOf(op.toUpperCase(Locale.ROOT)), v.doubleValue());
            }
            case "between" -> {
                if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
                    problem(at, "between takes [low, high] (both inclusive)");
                    return null;
                }
                Matcher lo = new Matcher.Compare(Matcher.Compare.Op.GTE, v.get(0).doubleValue());
                Matcher hi = new Matcher.Compare(Matcher.Compare.Op.LTE, v.get(1).doubleValue());
                // On a list-valued fact, both bounds must hold for the same element.
                return new Matcher.Scalar() {
                    @Override
                    boolean matchesScalar(Object value) {
                        return lo.matches(value) && hi.matches(value);
                    }
                };
            }
            default -> {
                problem(at, "unknown operator '" + op + "' (known: " + String.join(", ", OPERATORS) + ")");
                return null;
            }
        }
    }

    private static Object scalar(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asString();
    }

    private Set<String> texts(JsonNode node, String at) {
        if (!node.isArray() || node.isEmpty()) {
            problem(at, "expected a non-empty list of values");
            return null;
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode v : node) {
            if (!v.isValueNode() || v.isNull()) {
                problem(at, "expected a list of plain values");
                return null;
            }
            out.add(Values.text(scalar(v)));
        }
        return out;
    }

    /** The exact resource values of a top-level model/tool/route condition (model first), for the index. */
    private static IndexKey indexKey(JsonNode when) {
        if (!when.isObject()) {
            return IndexKey.NONE;
        }
        Map<IndexKey.Kind, Set<String>> found = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : when.properties()) {
            Fact fact = Fact.named(e.getKey());
            if (fact == null) {
                continue;
            }
            IndexKey.Kind kind = switch (fact.name()) {
                case "model" -> IndexKey.Kind.MODEL;
                case "tool" -> IndexKey.Kind.TOOL;
                case "route" -> IndexKey.Kind.ROUTE;
                default -> null;
            };
            Set<String> exact = kind == null ? null : exactValues(e.getValue());
            if (exact != null) {
                found.putIfAbsent(kind, exact);
            }
        }
        for (IndexKey.Kind kind : List.of(IndexKey.Kind.MODEL, IndexKey.Kind.TOOL, IndexKey.Kind.ROUTE)) {
            if (found.containsKey(kind)) {
                return new IndexKey(kind, found.get(kind));
            }
        }
        return IndexKey.NONE;
    }

    private static Set<String> exactValues(JsonNode node) {
        if (node.isString()) {
            return Set.of(node.stringValue());
        }
        if (node.isObject() && node.size() == 1) {
            if (node.has("equals") && node.get("equals").isString()) {
                return Set.of(node.get("equals").stringValue());
            }
            node = node.has("in") ? node.get("in") : node.has("any") ? node.get("any") : null;
            if (node == null) {
                return null;
            }
        }
        if (node.isArray() && !node.isEmpty()) {
            Set<String> out = new LinkedHashSet<>();
            for (JsonNode v : node) {
                if (!v.isString()) {
                    return null;
                }
                out.add(v.stringValue());
            }
            return out;
        }
        return null;
    }

    // ---- modifications ---------------------------------------------------------------------------------------------

    private Modifications modifications(JsonNode node, String at) {
        if (!node.isObject() || node.isEmpty()) {
            problem(at, "modify takes {model, provider, max_tokens, redact_pii, headers}");
            return Modifications.NONE;
        }
        String model = null;
        String provider = null;
        Integer maxTokens = null;
        List<String> redact = new ArrayList<>();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            String here = at + "/" + escape(e.getKey());
            switch (e.getKey()) {
                case "model" -> model = requireText(v, here, "model");
                case "provider" -> provider = requireText(v, here, "provider");
                case "max_tokens" -> {
                    if (v.isIntegralNumber() && v.canConvertToInt() && v.asInt() > 0) {
                        maxTokens = v.asInt();
                    } else {
                        problem(here, "max_tokens must be a positive integer");
                    }
                }
                case "redact_pii" -> {
                    Set<String> types = texts(v, here);
                    if (types != null) {
                        redact.addAll(types);
                    }
                }
                case "headers" -> {
                    if (!v.isObject()) {
                        problem(here, "headers takes {Name: value}");
                    } else {
                        for (Map.Entry<String, JsonNode> h : v.properties()) {
                            if (!h.getKey().matches("[A-Za-z0-9-]+") || !h.getValue().isValueNode()) {
                                problem(here + "/" + escape(h.getKey()), "a header needs a token name and a plain value");
                            } else {
                                headers.put(h.getKey(), h.getValue().asString());
                            }
                        }
                    }
                }
                default -> problem(here, "unknown modification '" + e.getKey()
                        + "' (expected model, provider, max_tokens, redact_pii, headers)");
            }
        }
        return new Modifications(model, provider, maxTokens, redact, headers);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private String optionalText(JsonNode node, String key, String at) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        return requireText(v, at + "/" + key, key);
    }

    private String requireText(JsonNode v, String at, String what) {
        if (!v.isString() || v.stringValue().isBlank()) {
            problem(at, what + " must be a non-empty string");
            return null;
        }
        return v.stringValue();
    }

    private void problem(String pointer, String message) {
        problems.add(new PolicyProblem(file, lines.lineOf(pointer), ruleId, message));
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String sorted(Set<String> keys) {
        return String.join(", ", new java.util.TreeSet<>(keys));
    }
}
