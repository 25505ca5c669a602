package io.gatewaystack.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What modify rules change in an allowed request.
 *
 * @param model      reroute to this model (replaces the body's {@code model}), or null
 * @param provider   reroute to this provider (for the routing layer), or null
 * @param maxTokens  cap {@code max_tokens} at this value, or null
 * @param redactPii  PII types the transform step must redact before forwarding (sorted, may be empty)
 * @param headers    headers to add to the upstream request (may be empty)
 */
public record Modifications(String model, String provider, Integer maxTokens, List<String> redactPii,
                            Map<String, String> headers) {

    public static final Modifications NONE = new Modifications(null, null, null, List.of(), Map.of());

    public Modifications {
        redactPii = List.copyOf(new TreeSet<>(redactPii));
        headers = headers.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public boolean isEmpty() {
        return model == null && provider == null && maxTokens == null && redactPii.isEmpty() && headers.isEmpty();
    }

    /** True when applying these needs the request's JSON body (a model reroute or a token cap). */
    public boolean needsBody() {
        return model != null || maxTokens != null;
    }

    /**
     * Combines these (from an earlier rule in evaluation order) with a later rule's: the earlier rule keeps model,
     * provider and any header it set; the smaller token cap wins; redactions add up.
     */
    public Modifications then(Modifications later) {
        Map<String, String> h = new LinkedHashMap<>(later.headers);
        h.putAll(headers);
        List<String> pii = new ArrayList<>(redactPii);
        pii.addAll(later.redactPii);
        Integer cap;
        if (maxTokens == null || later.maxTokens == null) {
            cap = maxTokens == null ? later.maxTokens : maxTokens;
        } else {
            cap = Math.min(maxTokens, later.maxTokens);
        }
        return new Modifications(model != null ? model : later.model, provider != null ? provider : later.provider,
                cap, pii, h);
    }

    /** Human sentences for the decision's reasons. */
    List<String> describe(String ruleId) {
        List<String> out = new ArrayList<>();
        if (model != null) out.add("model rerouted to " + model + " by rule " + ruleId);
        if (provider != null) out.add("provider set to " + provider + " by rule " + ruleId);
        if (maxTokens != null) out.add("max_tokens capped at " + maxTokens + " by rule " + ruleId);
        if (!redactPii.isEmpty()) out.add("redaction of " + String.join(", ", redactPii) + " required by rule " + ruleId);
        if (!headers.isEmpty()) out.add("headers " + String.join(", ", headers.keySet()) + " added by rule " + ruleId);
        return out;
    }
}
