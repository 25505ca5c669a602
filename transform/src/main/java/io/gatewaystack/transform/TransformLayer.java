package io.gatewaystack.transform;

import io.gatewaystack.core.ContentFindings;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestBody;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.gatewaystack.transform.classify.ContentClassifier;
import io.gatewaystack.transform.json.BodyShape;
import io.gatewaystack.transform.json.JsonTextWalker;
import io.gatewaystack.transform.json.TextSlot;
import io.gatewaystack.transform.redact.Pseudonyms;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

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

    /** Context attribute: the route's response scanning, when on (see {@link #responseGuard}). */
    private static final String RESPONSE_SCANNING_ATTRIBUTE = "transform.response_scanning";
    private static final String GUARD_ATTRIBUTE = "transform.response_guard";

    private final TransformEngine engine;
    /** engines of the routes with settings of their own ({@link TransformConfig#routes()}), by route or group */
    private final Map<String, TransformEngine> routeEngines;

    /**
     * @param config           the settings, with per-route settings in {@link TransformConfig#routes()}
     * @param extraClassifiers run after the built-in heuristics on every route
     */
    public TransformLayer(TransformConfig config, List<ContentClassifier> extraClassifiers) {
        this.engine = new TransformEngine(config, extraClassifiers);
        Map<String, TransformEngine> routes = new HashMap<>();
        config.routes().forEach((route, c) -> routes.put(route, new TransformEngine(c, extraClassifiers)));
        this.routeEngines = Map.copyOf(routes);
    }

    public TransformLayer(TransformConfig config) {
        this(config, List.of());
    }

    public TransformLayer(TransformEngine engine) {
        this.engine = engine;
        this.routeEngines = Map.of();
    }

    /** The engine for a route: its own settings, else its group's (the name up to the first dot), else the default. */
    TransformEngine engineFor(String routeName) {
        if (routeName == null || routeEngines.isEmpty()) return engine;
        TransformEngine exact = routeEngines.get(routeName);
        if (exact != null) return exact;
        int dot = routeName.indexOf('.');
        TransformEngine group = dot > 0 ? routeEngines.get(routeName.substring(0, dot)) : null;
        return group != null ? group : engine;
    }

    @Override
    public String name() {
        return "transform";
    }

    @Override
    public Verdict onRequest(RequestContext ctx) {
        TransformEngine engine = engineFor(ctx.routeName());
        if (engine.config().response().enabled()) {
            ctx.attributes().put(RESPONSE_SCANNING_ATTRIBUTE, engine);
        }
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
        ctx.contentFindings(new ContentFindings(report.assessment().labels(), List.copyOf(report.countsByType().keySet()),
                report.assessment().riskScore(), report.assessment().flags()));
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

    /**
     * Response scanning for this request, when its route turns it on (the same guard on every call). The terminal
     * scans the answer with it before it restores pseudonyms.
     */
    public static Optional<ResponseGuard> responseGuard(RequestContext ctx) {
        if (ctx.attributes().get(GUARD_ATTRIBUTE) instanceof ResponseGuard g) return Optional.of(g);
        if (!(ctx.attributes().get(RESPONSE_SCANNING_ATTRIBUTE) instanceof TransformEngine e)) return Optional.empty();
        ResponseGuard guard = new ResponseGuard(ctx, e.responseScanner(), e.customLabels());
        ctx.attributes().put(GUARD_ATTRIBUTE, guard);
        return Optional.of(guard);
    }

    /**
     * Puts the request's pseudonymised values back into the text fields of a JSON response of this shape (in
     * place), e.g. a tool result. Nothing happens when the request had no pseudonyms.
     */
    public static void restorePseudonyms(RequestContext ctx, JsonNode body, BodyShape shape) {
        Optional<Pseudonyms> pseudonyms = pseudonyms(ctx);
        if (pseudonyms.isEmpty() || body == null) return;
        for (TextSlot slot : new JsonTextWalker().texts(body, shape)) {
            String restored = pseudonyms.get().restore(slot.text());
            if (!restored.equals(slot.text())) slot.set(restored);
        }
    }

    /** The request's pseudonyms, when any were made: the response path restores them with its restorer. */
    public static Optional<Pseudonyms> pseudonyms(RequestContext ctx) {
        return report(ctx).map(TransformReport::pseudonyms).filter(p -> !p.isEmpty());
    }
}
