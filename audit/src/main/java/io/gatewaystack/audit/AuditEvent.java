package io.gatewaystack.audit;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.LimitsDecision;
import io.gatewaystack.core.PolicyDecision;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.core.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One audit event: who did what, with which data, via which model or tool, what the gateway decided and what it
 * cost. One per request. Schema version {@value #SCHEMA}; the fields are documented in {@code docs/layers/audit.md}.
 *
 * <p>Never a token, a header value, a body, a prompt, a query string or a detected value: content appears only
 * as labels and PII <em>types</em>.
 *
 * <p>The chain fields ({@code instance}, {@code seq}, {@code prevHash}, {@code hash}) are empty in an event made
 * by {@link #of}; the audit writer thread assigns them with {@link #chained} when it appends the event to its
 * instance's hash chain. {@link #canonicalJson()} is the exact text the hash is computed over: every field
 * except {@code hash}, in a fixed order, no whitespace.
 *
 * @param schema    {@value #SCHEMA}
 * @param eventId   unique id (a version-7 style UUID: time-ordered, 74 random bits)
 * @param time      when the request arrived, epoch milliseconds (serialised as ISO-8601 UTC)
 * @param instance  the gateway instance whose chain holds the event (null until chained)
 * @param seq       position in that chain, from 1 (0 until chained)
 * @param prevHash  hash of the previous event of the chain; 64 zeros for the first (null until chained)
 * @param hash      SHA-256 (hex) of {@link #canonicalJson()} (null until chained)
 * @param requestId the {@code X-Request-Id}
 * @param traceId   the trace id, or null
 * @param identity  the verified caller, or null when none was verified
 * @param what      the route, method, path, resource and routing decision
 * @param data      content labels and PII types, or null when the transform layer did not run
 * @param policy    the policy decision, or null when policy did not run
 * @param limits    the limits decision, or null when limits did not run
 * @param usage     tokens and cost, or null when the upstream reported none
 * @param latencyMicros arrival to end of response
 * @param outcome   status, error code, allow/deny
 */
public record AuditEvent(
        int schema,
        String eventId,
        long time,
        String instance,
        long seq,
        String prevHash,
        String hash,
        String requestId,
        String traceId,
        Actor identity,
        What what,
        Data data,
        Policy policy,
        Limits limits,
        Consumption usage,
        long latencyMicros,
        Outcome outcome) {

    public static final int SCHEMA = 1;
    public static final String GENESIS = "0".repeat(64);

    /**
     * The verified caller. With per-user encryption on ({@code GATEWAYSTACK_AUDIT_DATA_KEY}) {@code sub} is null in
     * the stored event and {@code subEnc} holds it encrypted under the user's data key (crypto-shredding, see
     * {@link io.gatewaystack.audit.privacy.SubjectCipher}); {@code subEnc} is null otherwise.
     */
    public record Actor(String sub, String org, String tenant, List<String> roles, String issuer, String client, String subEnc) {
        public Actor {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }

        public Actor(String sub, String org, String tenant, List<String> roles, String issuer, String client) {
            this(sub, org, tenant, roles, issuer, client, null);
        }

        /** The same caller with {@code sub} in clear (after decryption), or {@code sub} null (its key was erased). */
        public Actor revealed(String clearSub) {
            return new Actor(clearSub, org, tenant, roles, issuer, client, subEnc);
        }
    }

    /**
     * What was asked for and where it went.
     *
     * @param resourceKind {@code route}, {@code model} or {@code tool}
     * @param provider     routing decision: the upstream's name, or null when nothing was forwarded
     * @param target       routing decision: the model or base URL
     * @param alias        routing decision: the alias the client asked for
     */
    public record What(String route, String method, String path, String resourceKind, String resourceName,
                       String provider, String target, String alias) {
        /** The model name when the resource was a model, else null. */
        public String model() {
            return "model".equals(resourceKind) ? resourceName : null;
        }

        /** The tool name when the resource was a tool, else null. */
        public String tool() {
            return "tool".equals(resourceKind) ? resourceName : null;
        }
    }

    /** Content classification: labels and PII types, never values. */
    public record Data(List<String> labels, List<String> piiTypes, int riskScore) {
        public Data {
            labels = labels == null ? List.of() : List.copyOf(labels);
            piiTypes = piiTypes == null ? List.of() : List.copyOf(piiTypes);
        }
    }

    /**
     * The policy layer's decision. {@code effect} is {@code allow}, {@code deny} or {@code modify}. When a shadow
     * (candidate) policy disagreed, {@code shadowEffect} and {@code shadowRule} say what it would have decided;
     * both are null otherwise.
     */
    public record Policy(String decisionId, String rule, String effect, List<String> reasons, String shadowEffect,
                         String shadowRule) {
        public Policy {
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }

        public Policy(String decisionId, String rule, String effect, List<String> reasons) {
            this(decisionId, rule, effect, reasons, null, null);
        }
    }

    /** The limits layer's pre-flight decision. */
    public record Limits(boolean allowed, List<String> reasons, long retryAfterSeconds) {
        public Limits {
            reasons = reasons == null ? List.of() : List.copyOf(reasons);
        }
    }

    /**
     * Tokens and cost (cost in millionths of the configured currency unit), and for a streamed model answer the
     * time to first token in microseconds (0 when not streamed or unknown).
     */
    public record Consumption(long inputTokens, long outputTokens, long costMicros, long ttftMicros) {
        public Consumption(long inputTokens, long outputTokens, long costMicros) {
            this(inputTokens, outputTokens, costMicros, 0);
        }
    }

    /**
     * How the exchange ended.
     *
     * @param status    HTTP status sent (499: the client went away)
     * @param errorCode the contract error code, or null
     * @param decision  {@code allow} when every layer let the request through, {@code deny} when one rejected it
     *                  (an upstream failure after an allow stays {@code allow} with an error code)
     */
    public record Outcome(int status, String errorCode, String decision) {
    }

    /**
     * Builds the event of a completed request. Reads the context only; cheap enough for the completion phase
     * (no I/O, no hashing, no serialisation: those happen on the writer thread).
     */
    private static String effectName(PolicyDecision d) {
        return d.effect() == null ? null : d.effect().name().toLowerCase(java.util.Locale.ROOT);
    }

    public static AuditEvent of(RequestContext ctx) {
        Identity id = ctx.identity();
        Actor actor = id == null ? null
                : new Actor(id.subject(), id.orgId(), id.tenantId(), id.roles(), id.issuer(), id.clientId());
        ResourceRequest res = ctx.resource();
        RoutingDecision rd = ctx.routingDecision();
        What what = new What(ctx.routeName(), ctx.method(), ctx.path(),
                res == null ? null : kind(res.kind()), res == null ? null : res.name(),
                rd == null ? null : rd.provider(), rd == null ? null : rd.target(), rd == null ? null : rd.alias());
        ContentFindings cf = ctx.contentFindings();
        Data data = cf == null ? null : new Data(cf.labelsAndFlags(), cf.piiTypes(), cf.riskScore());
        PolicyDecision pd = ctx.policyDecision();
        PolicyDecision shadow = ctx.attributes().get(PolicyDecision.SHADOW_ATTRIBUTE) instanceof PolicyDecision s ? s : null;
        Policy policy = pd == null ? null
                : new Policy(pd.decisionId(), pd.ruleId(), effectName(pd), pd.reasons(),
                        shadow == null ? null : effectName(shadow), shadow == null ? null : shadow.ruleId());
        LimitsDecision ld = ctx.limitsDecision();
        Limits limits = ld == null ? null : new Limits(ld.allowed(), ld.reasons(), ld.retryAfterSeconds());
        Usage u = ctx.usage();
        long ttft = ctx.attributes().get(Usage.TTFT_ATTRIBUTE) instanceof Number ms ? Math.round(ms.doubleValue() * 1_000) : 0;
        Consumption usage = u == null ? (ttft > 0 ? new Consumption(0, 0, 0, ttft) : null)
                : new Consumption(u.inputTokens(), u.outputTokens(), u.costMicros(), ttft);
        String errorCode = ctx.errorCode();
        if (errorCode == null && ctx.rejection() != null) {
            errorCode = ctx.rejection().code().code();
        } else if (errorCode == null && ctx.failure() != null) {
            errorCode = ctx.failure().code().code();
        }
        Outcome outcome = new Outcome(ctx.responseStatus(), errorCode, ctx.rejection() == null ? "allow" : "deny");
        return new AuditEvent(SCHEMA, newEventId(ctx.startEpochMillis()), ctx.startEpochMillis(), null, 0, null, null,
                ctx.requestId(), ctx.traceId() != null ? ctx.traceId() : traceIdOf(ctx.headers().get("traceparent")),
                actor, what, data, policy, limits, usage,
                ctx.latencyNanos() / 1_000, outcome);
    }

    /**
     * The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or null when absent or
     * malformed: with tracing off the event still correlates with the caller's trace.
     */
    static String traceIdOf(String traceparent) {
        if (traceparent == null || traceparent.length() < 55 || traceparent.charAt(2) != '-' || traceparent.charAt(35) != '-') {
            return null;
        }
        String id = traceparent.substring(3, 35);
        boolean nonZero = false;
        for (int i = 0; i < 32; i++) {
            char c = id.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return null;
            }
            nonZero |= c != '0';
        }
        return nonZero ? id : null;
    }

    private static String kind(ResourceRequest.Kind kind) {
        return switch (kind) {
            case ROUTE -> "route";
            case MODEL -> "model";
            case TOOL -> "tool";
        };
    }

    /** A version-7 style UUID: 48 bits of milliseconds, then random bits; unique without coordination. */
    static String newEventId(long epochMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(msb, lsb).toString();
    }

    /** This event placed at position {@code seq} of {@code instance}'s chain after {@code prevHash}, with its hash. */
    public AuditEvent chained(String instance, long seq, String prevHash) {
        return chainedWithJson(instance, seq, prevHash).event();
    }

    /** An event placed in its chain, with its stored line ({@link #toJson()}), both from one serialisation. */
    public record Chained(AuditEvent event, String json) {
    }

    /** {@link #chained} and its {@link #toJson()} at once: the writer's per-event work, serialising only once. */
    public Chained chainedWithJson(String instance, long seq, String prevHash) {
        AuditEvent unhashed = new AuditEvent(schema, eventId, time, instance, seq, prevHash, null, requestId, traceId,
                identity, what, data, policy, limits, usage, latencyMicros, outcome);
        String canonical = unhashed.canonicalJson();
        String hash = sha256Hex(canonical);
        // toJson() is the canonical object with "hash" appended last; a hex hash needs no escaping.
        String json = canonical.substring(0, canonical.length() - 1) + ",\"hash\":\"" + hash + "\"}";
        return new Chained(unhashed.withHash(hash), json);
    }

    /** This event with another identity section (unchained: the writer encrypts before it chains). */
    public AuditEvent withIdentity(Actor actor) {
        return new AuditEvent(schema, eventId, time, instance, seq, prevHash, hash, requestId, traceId,
                actor, what, data, policy, limits, usage, latencyMicros, outcome);
    }

    AuditEvent withHash(String h) {
        return new AuditEvent(schema, eventId, time, instance, seq, prevHash, h, requestId, traceId,
                identity, what, data, policy, limits, usage, latencyMicros, outcome);
    }

    /** The hash this event should carry: SHA-256 over {@link #canonicalJson()}. */
    public String computeHash() {
        return sha256Hex(canonicalJson());
    }

    /** The canonical serialisation (everything but {@code hash}); the chain's hash is computed over its UTF-8 bytes. */
    public String canonicalJson() {
        return write(false);
    }

    /** The canonical serialisation with {@code "hash"} appended: one line of a JSON-lines sink, or the stored row. */
    public String toJson() {
        return write(true);
    }

    private String write(boolean withHash) {
        Json j = new Json(1536).begin();
        j.num("schema", schema).str("event_id", eventId).str("time", Instant.ofEpochMilli(time).toString())
                .str("instance", instance).num("seq", seq).str("prev_hash", prevHash)
                .str("request_id", requestId).str("trace_id", traceId);
        if (identity == null) {
            j.nul("identity");
        } else {
            j.begin("identity").str("sub", identity.sub()).str("org", identity.org()).str("tenant", identity.tenant())
                    .strings("roles", identity.roles()).str("issuer", identity.issuer()).str("client", identity.client());
            if (identity.subEnc() != null) { // only when encrypted: older events hash unchanged
                j.str("sub_enc", identity.subEnc());
            }
            j.end();
        }
        j.begin("what").str("route", what.route()).str("method", what.method()).str("path", what.path())
                .str("resource_kind", what.resourceKind()).str("resource_name", what.resourceName())
                .str("provider", what.provider()).str("target", what.target()).str("alias", what.alias()).end();
        if (data == null) {
            j.nul("data");
        } else {
            j.begin("data").strings("labels", data.labels()).strings("pii_types", data.piiTypes())
                    .num("risk_score", data.riskScore()).end();
        }
        j.begin("decisions");
        if (policy == null) {
            j.nul("policy");
        } else {
            j.begin("policy").str("decision_id", policy.decisionId()).str("rule", policy.rule())
                    .str("effect", policy.effect()).strings("reasons", policy.reasons());
            if (policy.shadowEffect() != null) { // only when a shadow policy disagreed: older events hash unchanged
                j.str("shadow_effect", policy.shadowEffect()).str("shadow_rule", policy.shadowRule());
            }
            j.end();
        }
        if (limits == null) {
            j.nul("limits");
        } else {
            j.begin("limits").bool("allowed", limits.allowed()).strings("reasons", limits.reasons())
                    .num("retry_after_seconds", limits.retryAfterSeconds()).end();
        }
        j.end();
        if (usage == null) {
            j.nul("usage");
        } else {
            j.begin("usage").num("input_tokens", usage.inputTokens()).num("output_tokens", usage.outputTokens())
                    .num("cost_micros", usage.costMicros());
            if (usage.ttftMicros() > 0) { // only for streamed answers: older events hash unchanged
                j.num("ttft_us", usage.ttftMicros());
            }
            j.end();
        }
        j.num("latency_us", latencyMicros);
        j.begin("outcome").num("status", outcome.status()).str("error_code", outcome.errorCode())
                .str("decision", outcome.decision()).end();
        if (withHash) {
            j.str("hash", hash);
        }
        return j.end().toString();
    }

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** Parses {@link #toJson()} (or {@link #canonicalJson()}) back; the inverse of the serialisation. */
    public static AuditEvent fromJson(String json) {
        JsonNode n = MAPPER.readTree(json);
        int schema = n.path("schema").asInt();
        if (schema != SCHEMA) {
            throw new IllegalArgumentException("unsupported audit schema " + schema);
        }
        JsonNode idn = n.get("identity");
        Actor actor = idn == null || idn.isNull() ? null
                : new Actor(s(idn, "sub"), s(idn, "org"), s(idn, "tenant"), list(idn.get("roles")), s(idn, "issuer"), s(idn, "client"),
                        s(idn, "sub_enc"));
        JsonNode w = n.get("what");
        What what = new What(s(w, "route"), s(w, "method"), s(w, "path"), s(w, "resource_kind"), s(w, "resource_name"),
                s(w, "provider"), s(w, "target"), s(w, "alias"));
        JsonNode d = n.get("data");
        Data data = d == null || d.isNull() ? null : new Data(list(d.get("labels")), list(d.get("pii_types")), d.path("risk_score").asInt());
        JsonNode dec = n.path("decisions");
        JsonNode p = dec.get("policy");
        Policy policy = p == null || p.isNull() ? null
                : new Policy(s(p, "decision_id"), s(p, "rule"), s(p, "effect"), list(p.get("reasons")),
                        s(p, "shadow_effect"), s(p, "shadow_rule"));
        JsonNode l = dec.get("limits");
        Limits limits = l == null || l.isNull() ? null
                : new Limits(l.path("allowed").asBoolean(), list(l.get("reasons")), l.path("retry_after_seconds").asLong());
        JsonNode u = n.get("usage");
        Consumption usage = u == null || u.isNull() ? null
                : new Consumption(u.path("input_tokens").asLong(), u.path("output_tokens").asLong(), u.path("cost_micros").asLong(),
                        u.path("ttft_us").asLong());
        JsonNode o = n.get("outcome");
        Outcome outcome = new Outcome(o.path("status").asInt(), s(o, "error_code"), s(o, "decision"));
        return new AuditEvent(schema, s(n, "event_id"), Instant.parse(s(n, "time")).toEpochMilli(), s(n, "instance"),
                n.path("seq").asLong(), s(n, "prev_hash"), s(n, "hash"), s(n, "request_id"), s(n, "trace_id"),
                actor, what, data, policy, limits, usage, n.path("latency_us").asLong(), outcome);
    }

    private static String s(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    private static List<String> list(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode e : n) {
            out.add(e.isNull() ? null : e.asString());
        }
        return out;
    }

    static String sha256Hex(String s) {
        return HexFormat.of().formatHex(newSha256().digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    /** A fresh digest cloned from a prototype that is never used itself: no provider lookup per event. */
    private static MessageDigest newSha256() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final MessageDigest SHA256_PROTOTYPE;

    static {
        try {
            SHA256_PROTOTYPE = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
