package io.gatewaystack.audit.trace;

import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.Verdict;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

/**
 * A layer with a span around its request phase: {@code gatewaystack.<layer>}, child of the request's span,
 * from the call until its verdict (an awaited verdict ends the span when its stage completes). A rejection is
 * recorded as {@code gatewaystack.verdict=reject} and {@code error.type=<error code>}. The completion phase is
 * passed through untraced (it is bookkeeping, microseconds).
 */
public final class LayerSpan implements Layer {

    static final AttributeKey<String> LAYER = AttributeKey.stringKey("gatewaystack.layer");
    static final AttributeKey<String> VERDICT = AttributeKey.stringKey("gatewaystack.verdict");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Layer delegate;
    private final Tracer tracer;
    private final String spanName;

    LayerSpan(Layer delegate, Tracer tracer) {
        this.delegate = delegate;
        this.tracer = tracer;
        this.spanName = "gatewaystack." + delegate.name();
    }

    /** The traced layer (the server asks it what kind of layer it is). */
    public Layer delegate() {
        return delegate;
    }

    /** {@code layer} itself, or the layer inside a {@link LayerSpan}. */
    public static Layer unwrap(Layer layer) {
        return layer instanceof LayerSpan s ? s.delegate : layer;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        Span parent = RequestSpan.spanOf(context);
        Span span = tracer.spanBuilder(spanName)
                .setParent(parent == null ? Context.root() : Context.root().with(parent))
                .setAttribute(LAYER, delegate.name())
                .startSpan();
        Verdict verdict;
        try {
            verdict = delegate.onRequest(context);
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            end(context, span);
            throw e; // the pipeline fails closed on it
        }
        if (verdict != null && verdict.isPending()) {
            // Ends the span before the pipeline moves on, on the thread that completed the stage.
            return Verdict.await(verdict.pending().whenComplete((resolved, failure) -> {
                if (failure != null) {
                    span.recordException(failure);
                    span.setStatus(StatusCode.ERROR);
                } else if (resolved != null) {
                    outcome(span, resolved);
                }
                end(context, span);
            }));
        }
        if (verdict != null) {
            outcome(span, verdict);
        }
        end(context, span);
        return verdict;
    }

    private static void outcome(Span span, Verdict verdict) {
        if (verdict.isRejected()) {
            span.setAttribute(VERDICT, "reject");
            span.setAttribute(ERROR_TYPE, verdict.rejection().code().code());
        } else {
            span.setAttribute(VERDICT, "proceed");
        }
    }

    private static void end(RequestContext context, Span span) {
        long now = RequestSpan.CLOCK.now();
        context.attributes().put(RequestSpan.CHAIN_END, now); // the last layer's end: the upstream call starts here
        span.end(now, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    @Override
    public void onComplete(RequestContext context) {
        delegate.onComplete(context);
    }
}
