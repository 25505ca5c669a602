package io.gatewaystack.policy;

import io.gatewaystack.core.PolicyDecision.Effect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one stage (global, or one tenant's), ordered by priority then file order, and indexed by exact
 * model, tool and route name so a decision only tests the rules that can match its resource plus the fallback
 * list (glob, regex, CEL or resource-free rules).
 */
final class RuleIndex {

    private static final Ranked[] NONE = new Ranked[0];

    private final int size;
    private final Map<String, Ranked[]> byModel;
    private final Map<String, Ranked[]> byTool;
    private final Map<String, Ranked[]> byRoute;
    private final Ranked[] fallback;

    /** A rule with its position in evaluation order, which merging the candidate lists compares. */
    private record Ranked(int rank, Rule rule) {}

    RuleIndex(List<Rule> rules) {
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparingInt(Rule::priority)); // stable: file order within a priority
        this.size = sorted.size();
        Map<String, List<Ranked>> models = new HashMap<>();
        Map<String, List<Ranked>> tools = new HashMap<>();
        Map<String, List<Ranked>> routes = new HashMap<>();
        List<Ranked> rest = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            Rule r = sorted.get(i);
            Ranked ranked = new Ranked(i, r);
            Map<String, List<Ranked>> target = switch (r.indexKey().kind()) {
                case MODEL -> models;
                case TOOL -> tools;
                case ROUTE -> routes;
                case NONE -> null;
            };
            if (target == null) {
                rest.add(ranked);
            } else {
                for (String v : r.indexKey().values()) {
                    target.computeIfAbsent(v, k -> new ArrayList<>()).add(ranked);
                }
            }
        }
        this.byModel = freeze(models);
        this.byTool = freeze(tools);
        this.byRoute = freeze(routes);
        this.fallback = rest.toArray(NONE);
    }

    private static Map<String, Ranked[]> freeze(Map<String, List<Ranked>> map) {
        Map<String, Ranked[]> out = new HashMap<>(map.size() * 2);
        map.forEach((k, v) -> out.put(k, v.toArray(NONE)));
        return Map.copyOf(out);
    }

    int size() {
        return size;
    }

    /**
     * Evaluates the stage: the first priority level with a matching allow or deny decides, a deny beating an allow
     * at the same level; every matching modify rule (any priority) is collected in evaluation order.
     */
    StageResult evaluate(PolicyInput input) {
        Ranked[] a = lookup(byModel, input.model());
        Ranked[] b = lookup(byTool, input.tool());
        Ranked[] c = lookup(byRoute, input.route());
        Ranked[] d = fallback;
        int ia = 0, ib = 0, ic = 0, id = 0;
        Rule decider = null;
        List<Rule> modifiers = null;
        while (true) {
            // Merge the four lists (each already in evaluation order) by the rules' positions.
            int best = Integer.MAX_VALUE;
            int from = -1;
            if (ia < a.length && a[ia].rank < best) { best = a[ia].rank; from = 0; }
            if (ib < b.length && b[ib].rank < best) { best = b[ib].rank; from = 1; }
            if (ic < c.length && c[ic].rank < best) { best = c[ic].rank; from = 2; }
            if (id < d.length && d[id].rank < best) { from = 3; }
            if (from < 0) {
                break;
            }
            Rule next = switch (from) {
                case 0 -> a[ia].rule;
                case 1 -> b[ib].rule;
                case 2 -> c[ic].rule;
                default -> d[id].rule;
            };
            switch (from) {
                case 0 -> ia++;
                case 1 -> ib++;
                case 2 -> ic++;
                default -> id++;
            }
            Effect effect = next.effect();
            if (decider != null && effect != Effect.MODIFY
                    && (next.priority() > decider.priority() || effect == Effect.ALLOW)) {
                continue; // decided: an allow only yields to a deny of its own level, and the first allow keeps the credit
            }
            if (!next.appliesTo(input)) {
                continue;
            }
            if (effect == Effect.MODIFY) {
                if (modifiers == null) {
                    modifiers = new ArrayList<>(2);
                }
                modifiers.add(next);
            } else if (effect == Effect.DENY) {
                decider = next;
                break; // a deny is final, and a denied request is never modified
            } else {
                decider = next;
            }
        }
        return new StageResult(decider, modifiers == null ? List.of() : modifiers);
    }

    private static Ranked[] lookup(Map<String, Ranked[]> map, String key) {
        if (key == null || map.isEmpty()) {
            return NONE;
        }
        Ranked[] rules = map.get(key);
        return rules == null ? NONE : rules;
    }

    /** A stage's answer: the deciding allow/deny rule (or null) and the matching modify rules. */
    record StageResult(Rule decider, List<Rule> modifiers) {
        Effect effect() {
            return decider == null ? null : decider.effect();
        }
    }
}
