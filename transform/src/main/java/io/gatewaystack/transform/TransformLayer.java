package io.gatewaystack.transform;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.transform.classify.ContentClassifier;
import io.gatewaystack.transform.redact.Pseudonyms;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The transform layer: scans the request's JSON body, writes {@link ContentFindings} (plus the full
 * {@link TransformReport} under {@link #REPORT_ATTRIBUTE}), applies the configured actions and forwards the
 * changed body, or refuses with 403 {@code content_blocked} ({@code risk_score}, {@code labels}).
 *
 * <p>Requests without a parsed JSON body pass untouched. When the transform itself fails, the request passes
 * unchanged with {@link #ERROR_ATTRIBUTE} set (fail open, the default) or gets 503 {@code unavailable}
 * (fail closed). The scan is CPU work bounded by the body size limit and runs inline (linear-time detectors).
 */
public final class TransformLayer implements Layer {

    /** Context attribute: the request's {@link TransformReport}. */
    public static final String REPORT_ATTRIBUTE = "transform.report";
    /** Context attribute: the failure's exception class name, when the transform failed open. */
    public static final String ERROR_ATTRIBUTE = "transform_error";
    /** The response header telling the client what was redacted or pseudonymised. */
    public static final String REDACTED_HEADER = "X-GatewayStack-Redacted";

    private final TransformEngine engine;

    public TransformLayer(TransformConfig config, List<ContentClassifier> extraClassifiers) {
        this(new TransformEngine(config, extraClassifiers));
    }

    public TransformLayer(TransformConfig config) {
        this(new TransformEngine(config));
    }

    public TransformLayer(TransformEngine engine) {
        this.engine = engine;
    }

    @Override
    public String name() {
        return "transform";
    }

    @Override
    public Verdict onRequest(RequestContext ctx) {
        RequestBody body = ctx.body();
        if (body == null || body.json() == null) return Verdict.proceed();
        TransformReport report;
        try {
            report = engine.transformJson(body.json());
        } catch (RuntimeException e) {
            ctx.attributes().put(ERROR_ATTRIBUTE, e.getClass().getSimpleName());
            return engine.config().onError() == FailureMode.FAIL_CLOSED
                    ? Verdict.reject(ErrorCode.UNAVAILABLE, "Content inspection is unavailable.")
                    : Verdict.proceed();
        }
        ctx.attributes().put(REPORT_ATTRIBUTE, report);
        ctx.contentFindings(new ContentFindings(report.labelsAndFlags(), List.copyOf(report.countsByType().keySet()),
                report.assessment().riskScore()));
        if (report.blocked()) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("risk_score", report.assessment().riskScore());
            details.put("labels", report.labelsAndFlags());
            String why = report.blockedTypes().isEmpty()
                    ? "The content's risk score is at or over the block threshold."
                    : "The content contains data of a type this route blocks.";
            return Verdict.reject(new GatewayError(ErrorCode.CONTENT_BLOCKED, why, null, details));
        }
        if (report.modified()) {
            body.replace(body.json());
            // the client is told what was removed or pseudonymised (types and counts, never values)
            ctx.addResponseHeader(REDACTED_HEADER, report.redactedHeaderValue());
        }
        return Verdict.proceed();
    }

    /** The report of a request this layer ran on. */
    public static Optional<TransformReport> report(RequestContext ctx) {
        return ctx.attributes().get(REPORT_ATTRIBUTE) instanceof TransformReport r ? Optional.of(r) : Optional.empty();
    }

    /** The {@value #REDACTED_HEADER} value for a response, when the request's content was changed. */
    public static Optional<String> redactedHeader(RequestContext ctx) {
        return report(ctx).filter(TransformReport::modified).map(TransformReport::redactedHeaderValue);
    }

    /** The request's pseudonyms, when any were made: the response path restores them with its restorer. */
    public static Optional<Pseudonyms> pseudonyms(RequestContext ctx) {
        return report(ctx).map(TransformReport::pseudonyms).filter(p -> !p.isEmpty());
    }
}
