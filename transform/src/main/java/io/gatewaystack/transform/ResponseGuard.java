package io.gatewaystack.transform;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.transform.classify.RiskAssessment;
import io.gatewaystack.transform.classify.RiskScorer;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.response.ResponseFindings;
import io.gatewaystack.transform.response.ResponseScanner;
import io.gatewaystack.transform.response.StreamingRedactor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Response scanning for one request, on a route whose transform settings turn it on. The route's terminal gets it
 * from {@link TransformLayer#responseGuard} and runs the answer through it <em>before</em> restoring pseudonyms:
 * the scan sees the placeholders the model saw ({@code <EMAIL_1>} is no email), so the user's own values, put
 * back afterwards, are never redacted again, while personal data the upstream produced itself is.
 *
 * <p>Every scan records into the request context at once: {@link ContentFindings} then describes the whole
 * exchange (request and answer: labels, types and flags merged, the higher risk score), and the full findings of
 * the answer are under {@link #ATTRIBUTE}. The answer's labels and score come from what was found in it and from
 * the phrase classifier's labels of its text ({@link ResponseFindings#labels()}). One instance per request; not thread-safe (used on the request's event
 * loop).
 */
public final class ResponseGuard {

    /** Context attribute: the answer's {@link ResponseFindings}. */
    public static final String ATTRIBUTE = "transform.response";

    private final RequestContext ctx;
    private final ResponseScanner scanner;
    private final Map<String, String> customLabels;
    private final ResponseFindings findings = new ResponseFindings();
    private final ContentFindings requestFindings;
    /** findings already written into the context (a stream records after every event; most add nothing) */
    private int recorded;
    /** the answer's classifier labels already written into the context */
    private Set<String> recordedLabels = Set.of();

    ResponseGuard(RequestContext ctx, ResponseScanner scanner, Map<String, String> customLabels) {
        this.ctx = ctx;
        this.scanner = scanner;
        this.customLabels = customLabels;
        this.requestFindings = ctx.contentFindings();
        ctx.attributes().put(ATTRIBUTE, findings);
    }

    /**
     * Scans a whole JSON answer and applies the response actions in place. Returns whether it changed; when a
     * BLOCK type was found nothing is changed and {@link #blocked()} is true (send {@link #blockedError()}).
     */
    public boolean inspectJson(JsonNode body, BodyShape shape) {
        boolean changed = scanner.scanJson(body, shape, findings);
        record();
        return changed;
    }

    /** A scanner for one streamed text of the answer; call {@link #record()} after pushing to it. */
    public StreamingRedactor stream() {
        return scanner.stream(findings);
    }

    /** A scanner for one streamed JSON text of the answer (a tool call's arguments in fragments). */
    public StreamingRedactor jsonStream() {
        return scanner.jsonStream(findings);
    }

    /** The findings of the answer so far. */
    public ResponseFindings findings() {
        return findings;
    }

    public boolean blocked() {
        return findings.blocked();
    }

    /** The error for a blocked answer: 403 {@code content_blocked} with {@code risk_score} and {@code labels}. */
    public GatewayError blockedError() {
        ContentFindings cf = ctx.contentFindings();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("risk_score", cf == null ? 0 : cf.riskScore());
        details.put("labels", cf == null ? List.of() : cf.labelsAndFlags());
        return new GatewayError(ErrorCode.CONTENT_BLOCKED, "The response contains data of a type this route blocks.", null, details);
    }

    /**
     * The {@value TransformLayer#REDACTED_HEADER} value counting what the request and the answer had changed
     * (e.g. {@code email=2}), or null when nothing was.
     */
    public String redactedHeader() {
        Map<String, Integer> all = new TreeMap<>();
        TransformLayer.report(ctx).filter(TransformReport::modified)
                .ifPresent(r -> r.changedByType().forEach((t, n) -> all.merge(t, n, Integer::sum)));
        findings.changedByType().forEach((t, n) -> all.merge(t, n, Integer::sum));
        if (all.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        all.forEach((t, n) -> sb.append(sb.isEmpty() ? "" : ",").append(t).append('=').append(n));
        return sb.toString();
    }

    /** Writes the exchange's findings (request merged with the answer so far) into the request context. */
    public void record() {
        Set<String> textLabels = findings.labels();
        if (findings.total() == recorded && textLabels.equals(recordedLabels)) return;
        recorded = findings.total();
        recordedLabels = textLabels;
        RiskAssessment answer = RiskScorer.assess(findings.countsByType(), customLabels, textLabels);
        Set<String> labels = new TreeSet<>(answer.labels());
        Set<String> types = new TreeSet<>(findings.countsByType().keySet());
        Set<String> flags = new TreeSet<>(answer.flags());
        int risk = answer.riskScore();
        if (requestFindings != null) {
            labels.addAll(requestFindings.labels());
            types.addAll(requestFindings.piiTypes());
            flags.addAll(requestFindings.flags());
            risk = Math.max(risk, requestFindings.riskScore());
        }
        ctx.contentFindings(new ContentFindings(new ArrayList<>(labels), new ArrayList<>(types), risk, new ArrayList<>(flags)));
    }
}
