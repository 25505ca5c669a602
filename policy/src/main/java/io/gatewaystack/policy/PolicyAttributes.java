package io.gatewaystack.policy;

/**
 * Keys of {@code RequestContext.attributes()} the policy layer reads and writes, beyond the core
 * {@code policyDecision} section (which has no room for modifications or shadow results).
 */
public final class PolicyAttributes {

    private PolicyAttributes() {}

    /** Read: the upstream provider (a String) when the route knows it before policy runs (LLM routes). */
    public static final String PROVIDER = "gatewaystack.provider";

    /** Written: the full {@link Decision}, on every decided request. */
    public static final String DECISION = "policy.decision";
    /** Written on MODIFY: the merged {@link Modifications}. */
    public static final String MODIFICATIONS = "policy.modifications";
    /** Written on MODIFY with headers: {@code Map<String, String>} to add to the upstream request. */
    public static final String ADD_HEADERS = "policy.add_headers";
    /** Written on MODIFY with forced redactions: {@code List<String>} of PII types the redacting step must remove. */
    public static final String REDACT_PII = "policy.redact_pii"; // read by the transform module's ForcedRedaction
    /** Written on MODIFY with a provider reroute: the provider name (String) for the routing step. */
    public static final String REROUTE_PROVIDER = "policy.reroute_provider";
    /** Written when the shadow candidate disagreed: the {@link ShadowDisagreement}. */
    public static final String SHADOW_DISAGREEMENT = "policy.shadow_disagreement";
}
