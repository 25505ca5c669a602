package io.gatewaystack.policy;

import java.util.Set;

/**
 * The exact resource names a rule can only match (from a top-level {@code model}, {@code tool} or {@code route}
 * condition with exact values), so the index files it under those names. A rule without one (glob, regex, CEL,
 * no resource condition) goes to the fallback list that every decision scans.
 */
public record IndexKey(Kind kind, Set<String> values) {
    public enum Kind { NONE, MODEL, TOOL, ROUTE }

    public static final IndexKey NONE = new IndexKey(Kind.NONE, Set.of());

    public IndexKey {
        values = Set.copyOf(values);
    }
}
