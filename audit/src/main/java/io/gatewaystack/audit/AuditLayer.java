package io.gatewaystack.audit;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;

/**
 * The audit layer: one tamper-evident {@link AuditEvent} per request into the {@link AuditPipeline}.
 *
 * <p>Put it first in every chain (its completion then runs last and sees every outcome, including rejections by
 * later layers). The request phase refuses the request with 503 {@code unavailable} while the pipeline cannot
 * accept events (spool over its limit under fail-closed, writer failed, queue nearly full): an auditable system
 * does not serve requests it cannot audit. The completion phase builds the event and offers it to the queue; it
 * never blocks and never throws.
 */
public final class AuditLayer implements Layer {

    private final AuditPipeline pipeline;
    private final AuditMetrics metrics;

    /** @param metrics may be null */
    public AuditLayer(AuditPipeline pipeline, AuditMetrics metrics) {
        this.pipeline = pipeline;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return "audit";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        if (!pipeline.acceptingEvents()) {
            return Verdict.reject(ErrorCode.UNAVAILABLE, "The audit trail cannot record requests right now; try again later.");
        }
        return Verdict.proceed();
    }

    @Override
    public void onComplete(RequestContext context) {
        AuditEvent event = AuditEvent.of(context);
        pipeline.submit(event);
        if (metrics != null) {
            metrics.record(event);
        }
    }
}
