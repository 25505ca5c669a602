package io.gatewaystack.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the gateway knows about one request, passed through the chain of layers.
 *
 * <p>Like Envoy's filter state, it has one section per layer: a layer reads what earlier layers wrote and writes
 * only its own section (identity writes {@link #identity()}, policy writes {@link #policyDecision()}, and so on).
 * The request facts (id, method, path, headers) are fixed at creation.
 *
 * <p>Not thread-safe by design: one request is handled by one thread at a time, and a layer that continues
 * asynchronously hands the context back through its {@link Verdict} stage, which establishes happens-before.
 */
public final class RequestContext {

    private final String requestId;
    private final String method;
    private final String path;
    private final String query;
    private final String remoteAddress;
    private final RequestHeaders headers;
    private final long startNanos;
    private final long startEpochMillis;
    private final String routeName;

    private String traceId;
    private Identity identity;
    private ContentFindings contentFindings;
    private ResourceRequest resource;
    private RequestBody body;
    private BodySource bodySource;
    private PolicyDecision policyDecision;
    private LimitsDecision limitsDecision;
    private RoutingDecision routingDecision;
    private Usage usage;
    private GatewayError rejection;
    private GatewayError failure;
    private int responseStatus;
    private String errorCode;
    private long endNanos;
    private Map<String, Object> attributes;
    private List<HeaderField> responseHeaders;
    private List<HeaderField> upstreamHeaders;
    /** How many layers of the pipeline had their request phase called; owned by {@link Pipeline}. */
    int layersRun;

    private RequestContext(Builder b) {
        this.requestId = Objects.requireNonNull(b.requestId, "requestId");
        this.method = Objects.requireNonNull(b.method, "method");
        this.path = Objects.requireNonNull(b.path, "path");
        this.query = b.query;
        this.remoteAddress = b.remoteAddress;
        this.headers = b.headers == null ? RequestHeaders.NONE : b.headers;
        this.startNanos = b.startNanos == 0 ? System.nanoTime() : b.startNanos;
        this.startEpochMillis = b.startEpochMillis == 0 ? System.currentTimeMillis() : b.startEpochMillis;
        this.routeName = b.routeName;
        this.resource = b.routeName == null ? null : ResourceRequest.route(b.routeName);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- request facts (fixed) -------------------------------------------------------------

    public String requestId() { return requestId; }
    public String method() { return method; }
    /** The full request path as received (never mount-relative), without the query string. */
    public String path() { return path; }
    /** The raw query string without '?', or null. */
    public String query() { return query; }
    public String remoteAddress() { return remoteAddress; }
    public RequestHeaders headers() { return headers; }
    public long startNanos() { return startNanos; }
    public long startEpochMillis() { return startEpochMillis; }
    /** The name of the gateway route that matched (e.g. {@code proxy}, {@code protected.ping}). */
    public String routeName() { return routeName; }

    // ---- layer sections ---------------------------------------------------------------------

    public String traceId() { return traceId; }
    public void traceId(String traceId) { this.traceId = traceId; }

    /** Written by the identity layer; null until a token was verified. */
    public Identity identity() { return identity; }
    public void identity(Identity identity) { this.identity = identity; }

    /** Written by the transform layer. */
    public ContentFindings contentFindings() { return contentFindings; }
    public void contentFindings(ContentFindings findings) { this.contentFindings = findings; }

    /** The model, tool or route asked for; the server sets it from the route and the request body. */
    public ResourceRequest resource() { return resource; }
    public void resource(ResourceRequest resource) { this.resource = resource; }

    /**
     * The request body, on routes that read it before the layers run (null where the body streams through
     * unseen). Layers may change its content through {@link RequestBody#replace}.
     */
    public RequestBody body() { return body; }
    public void body(RequestBody body) { this.body = body; }

    /** Set by the server on routes whose body layers may read ({@link ReadBody}); null elsewhere. */
    public BodySource bodySource() { return bodySource; }
    public void bodySource(BodySource source) { this.bodySource = source; }

    /** Written by the policy layer. */
    public PolicyDecision policyDecision() { return policyDecision; }
    public void policyDecision(PolicyDecision decision) { this.policyDecision = decision; }

    /** Written by the limits layer in its pre-flight phase. */
    public LimitsDecision limitsDecision() { return limitsDecision; }
    public void limitsDecision(LimitsDecision decision) { this.limitsDecision = decision; }

    /** Written by the proxy layer. */
    public RoutingDecision routingDecision() { return routingDecision; }
    public void routingDecision(RoutingDecision decision) { this.routingDecision = decision; }

    /** Written after the upstream answered (the limits layer's accounting phase reads it). */
    public Usage usage() { return usage; }
    public void usage(Usage usage) { this.usage = usage; }

    // ---- outcome ----------------------------------------------------------------------------

    /** The error a layer (or the route) answered with, or null when the request went through. */
    public GatewayError rejection() { return rejection; }
    public void rejection(GatewayError rejection) { this.rejection = rejection; }

    /**
     * The error the gateway answered with after every layer let the request through (a bad upstream path, an
     * unreachable upstream), or null. Unlike a rejection this is not a "deny" decision.
     */
    public GatewayError failure() { return failure; }
    public void failure(GatewayError failure) { this.failure = failure; }

    /** Records how the exchange ended; the server calls this once, before the completion phase. */
    public void complete(int status, String errorCode) {
        this.responseStatus = status;
        this.errorCode = errorCode;
        this.endNanos = System.nanoTime();
    }

    public int responseStatus() { return responseStatus; }
    public String errorCode() { return errorCode; }
    public long latencyNanos() { return endNanos == 0 ? System.nanoTime() - startNanos : endNanos - startNanos; }

    /**
     * Adds a header to the response the client gets, whatever the outcome (e.g. the limits layer's
     * {@code RateLimit} headers, the transform layer's {@code X-GatewayStack-Redacted}).
     */
    public void addResponseHeader(String name, String value) {
        if (responseHeaders == null) {
            responseHeaders = new ArrayList<>(4);
        }
        responseHeaders.add(new HeaderField(name, value));
    }

    /** Headers layers asked to add to the response; empty when none. */
    public List<HeaderField> responseHeaders() {
        return responseHeaders == null ? List.of() : responseHeaders;
    }

    /**
     * Adds a header to the request forwarded upstream (e.g. a policy "add header" effect). The route never lets
     * such a header replace the gateway's identity headers.
     */
    public void addUpstreamHeader(String name, String value) {
        if (upstreamHeaders == null) {
            upstreamHeaders = new ArrayList<>(4);
        }
        upstreamHeaders.add(new HeaderField(name, value));
    }

    /** Headers layers asked to add to the upstream request; empty when none. */
    public List<HeaderField> upstreamHeaders() {
        return upstreamHeaders == null ? List.of() : upstreamHeaders;
    }

    /** Extension state for layers that need more than the sections above; created on first use. */
    public Map<String, Object> attributes() {
        if (attributes == null) {
            attributes = new HashMap<>(32); // a governed request sets a dozen or more: no resizing on the way
        }
        return attributes;
    }

    /** Builder for the fixed request facts. */
    public static final class Builder {
        private String requestId;
        private String method;
        private String path;
        private String query;
        private String remoteAddress;
        private RequestHeaders headers;
        private long startNanos;
        private long startEpochMillis;
        private String routeName;

        private Builder() {}

        public Builder requestId(String v) { this.requestId = v; return this; }
        public Builder method(String v) { this.method = v; return this; }
        public Builder path(String v) { this.path = v; return this; }
        public Builder query(String v) { this.query = v; return this; }
        public Builder remoteAddress(String v) { this.remoteAddress = v; return this; }
        public Builder headers(RequestHeaders v) { this.headers = v; return this; }
        public Builder startNanos(long v) { this.startNanos = v; return this; }
        public Builder startEpochMillis(long v) { this.startEpochMillis = v; return this; }
        public Builder routeName(String v) { this.routeName = v; return this; }

        public RequestContext build() {
            return new RequestContext(this);
        }
    }
}
