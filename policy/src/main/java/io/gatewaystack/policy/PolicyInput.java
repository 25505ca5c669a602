package io.gatewaystack.policy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The facts one policy decision is made over: who asks (identity), for what (resource), what the content holds
 * (the transform layer's findings) and the request's own facts. Built per request (from a {@code RequestContext},
 * or from a {@code REQ.json} by the tester); every field may be missing (null), the sets are never null.
 *
 * <p>Not a record because CEL rules need the facts as maps, built at most once per decision; one decision, one
 * thread, so that memo needs no synchronisation.
 */
public final class PolicyInput {

    private final String subject;
    private final String issuer;
    private final String org;
    private final String tenant;
    private final String plan;
    private final Set<String> roles;
    private final Set<String> scopes;
    private final Map<String, Object> claims;
    private final String route;
    private final String method;
    private final String model;
    private final String provider;
    private final String tool;
    private final Set<String> labels;
    private final Map<String, Integer> pii;
    private final Integer riskScore;
    private final Integer maxTokens;
    private final Boolean stream;
    private final Instant time;
    private Map<String, Object> celVariables;

    private PolicyInput(Builder b) {
        this.subject = b.subject;
        this.issuer = b.issuer;
        this.org = b.org;
        this.tenant = b.tenant;
        this.plan = b.plan;
        this.roles = Set.copyOf(b.roles);
        this.scopes = Set.copyOf(b.scopes);
        this.claims = b.claims == null ? Map.of() : b.claims;
        this.route = b.route;
        this.method = b.method;
        this.model = b.model;
        this.provider = b.provider;
        this.tool = b.tool;
        this.labels = Set.copyOf(b.labels);
        this.pii = b.pii == null ? Map.of() : Map.copyOf(b.pii);
        this.riskScore = b.riskScore;
        this.maxTokens = b.maxTokens;
        this.stream = b.stream;
        this.time = b.time == null ? Instant.now() : b.time;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String subject() { return subject; }
    public String issuer() { return issuer; }
    public String org() { return org; }
    public String tenant() { return tenant; }
    public String plan() { return plan; }
    public Set<String> roles() { return roles; }
    public Set<String> scopes() { return scopes; }
    /** Every claim of the token (values as the identity layer mapped them: strings, numbers, lists, maps). */
    public Map<String, Object> claims() { return claims; }
    public String route() { return route; }
    public String method() { return method; }
    public String model() { return model; }
    public String provider() { return provider; }
    public String tool() { return tool; }
    public Set<String> labels() { return labels; }
    /** PII type → how many were found. */
    public Map<String, Integer> pii() { return pii; }
    /** 0–100, or null when no content was inspected. */
    public Integer riskScore() { return riskScore; }
    public Integer maxTokens() { return maxTokens; }
    public Boolean stream() { return stream; }
    public Instant time() { return time; }

    /**
     * The tenant whose tenant-scoped rules apply: the tenant claim, else the organisation (many identity providers
     * carry only one of the two, and the seed used {@code org_id} as the tenant).
     */
    public String scopeTenant() {
        return tenant != null ? tenant : org;
    }

    /** The facts as CEL sees them: {@code identity}, {@code resource}, {@code content}, {@code request}, {@code now}. */
    Map<String, Object> celVariables() {
        if (celVariables == null) {
            celVariables = CelFacts.of(this);
        }
        return celVariables;
    }

    /** A builder; unset fields stay missing. */
    public static final class Builder {
        private String subject;
        private String issuer;
        private String org;
        private String tenant;
        private String plan;
        private Set<String> roles = Set.of();
        private Set<String> scopes = Set.of();
        private Map<String, Object> claims;
        private String route;
        private String method;
        private String model;
        private String provider;
        private String tool;
        private Set<String> labels = Set.of();
        private Map<String, Integer> pii;
        private Integer riskScore;
        private Integer maxTokens;
        private Boolean stream;
        private Instant time;

        private Builder() {}

        public Builder subject(String v) { subject = v; return this; }
        public Builder issuer(String v) { issuer = v; return this; }
        public Builder org(String v) { org = v; return this; }
        public Builder tenant(String v) { tenant = v; return this; }
        public Builder plan(String v) { plan = v; return this; }
        public Builder roles(List<String> v) { roles = Set.copyOf(v); return this; }
        public Builder roles(String... v) { roles = Set.of(v); return this; }
        public Builder scopes(List<String> v) { scopes = Set.copyOf(v); return this; }
        public Builder scopes(String... v) { scopes = Set.of(v); return this; }
        public Builder claims(Map<String, Object> v) { claims = v == null ? null : new LinkedHashMap<>(v); return this; }
        /** An identity's claims as they are: already an immutable copy, so not copied again for each decision. */
        Builder claimsOf(io.gatewaystack.core.Identity identity) { claims = identity.claims(); return this; }
        public Builder route(String v) { route = v; return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder provider(String v) { provider = v; return this; }
        public Builder tool(String v) { tool = v; return this; }
        public Builder labels(List<String> v) { labels = Set.copyOf(v); return this; }
        public Builder labels(String... v) { labels = Set.of(v); return this; }
        public Builder pii(Map<String, Integer> v) { pii = v; return this; }
        public Builder riskScore(Integer v) { riskScore = v; return this; }
        public Builder maxTokens(Integer v) { maxTokens = v; return this; }
        public Builder stream(Boolean v) { stream = v; return this; }
        public Builder time(Instant v) { time = v; return this; }

        public PolicyInput build() {
            return new PolicyInput(this);
        }
    }
}
