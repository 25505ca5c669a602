package io.gatewaystack.audit.trace;

import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.RequestHeaders;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.core.Usage;
import io.gatewaystack.core.Verdict;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.common.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The request's span, first in the chain: a {@code SERVER} span continuing the caller's W3C {@code traceparent}
 * (a new trace otherwise), whose trace id becomes {@link RequestContext#traceId()} and so the audit event's. Its
 * completion runs last: it adds the outcome and, when the request was forwarded to a model or a tool, the
 * {@code CLIENT} span of that call with the GenAI semantic conventions, from the end of the chain to the end of
 * the response.
 */
public final class RequestSpan implements Layer {

    static final String SPAN = "gatewaystack.trace.span";
    static final String CHAIN_END = "gatewaystack.trace.chain_end_nanos";
    static final Clock CLOCK = Clock.getDefault();

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("gatewaystack.route");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gatewaystack.request_id");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> DECISION = AttributeKey.stringKey("gatewaystack.decision");
    static final AttributeKey<String> POLICY_RULE = AttributeKey.stringKey("gatewaystack.policy.rule");
    // GenAI semantic conventions (https://opentelemetry.io/docs/specs/semconv/gen-ai/)
    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> GEN_AI_TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> MODEL_ALIAS = AttributeKey.stringKey("gatewaystack.model.alias");
    static final AttributeKey<Long> COST_MICROS = AttributeKey.longKey("gatewaystack.cost_micros");

    private static final TextMapGetter<RequestHeaders> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestHeaders carrier) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(RequestHeaders carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    RequestSpan(Tracer tracer) {
        this.tracer = tracer;
    }

    static Span spanOf(RequestContext context) {
        return context.attributes().get(SPAN) instanceof Span s ? s : null;
    }

    @Override
    public String name() {
        return "trace";
    }

    @Override
    public Verdict onRequest(RequestContext context) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), context.headers(), HEADERS);
        String route = context.routeName() == null ? "unmatched" : context.routeName();
        Span span = tracer.spanBuilder(context.method() + " " + route)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, context.method())
                .setAttribute(URL_PATH, context.path())
                .setAttribute(ROUTE, route)
                .setAttribute(REQUEST_ID, context.requestId())
                .startSpan();
        if (span.getSpanContext().isValid()) {
            context.traceId(span.getSpanContext().getTraceId());
        }
        context.attributes().put(SPAN, span);
        return Verdict.proceed();
    }

    @Override
    public void onComplete(RequestContext context) {
        Span span = spanOf(context);
        if (span == null) {
            return;
        }
        long end = CLOCK.now();
        upstreamCall(context, span, end);
        int status = context.responseStatus();
        span.setAttribute(STATUS, (long) status);
        String error = errorCode(context);
        if (error != null) {
            span.setAttribute(LayerSpan.ERROR_TYPE, error);
        }
        span.setAttribute(DECISION, context.rejection() == null ? "allow" : "deny");
        if (context.policyDecision() != null && context.policyDecision().ruleId() != null) {
            span.setAttribute(POLICY_RULE, context.policyDecision().ruleId());
        }
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end(end, TimeUnit.NANOSECONDS);
    }

    /** The model or tool call, when the request was forwarded to one. */
    private void upstreamCall(RequestContext context, Span parent, long end) {
        ResourceRequest res = context.resource();
        RoutingDecision rd = context.routingDecision();
        if (res == null || rd == null || res.kind() == ResourceRequest.Kind.ROUTE || context.rejection() != null) {
            return; // nothing was forwarded
        }
        boolean model = res.kind() == ResourceRequest.Kind.MODEL;
        String operation = !model ? "execute_tool"
                : context.routeName() != null && context.routeName().contains("embeddings") ? "embeddings" : "chat";
        String target = model ? (rd.target() != null ? rd.target() : res.name()) : res.name();
        SpanBuilder b = tracer.spanBuilder(operation + " " + target)
                .setParent(Context.root().with(parent))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GEN_AI_OPERATION, operation);
        if (context.attributes().get(CHAIN_END) instanceof Long start && start <= end) {
            b.setStartTimestamp(start, TimeUnit.NANOSECONDS);
        }
        if (rd.provider() != null) {
            b.setAttribute(GEN_AI_SYSTEM, rd.provider()).setAttribute(GEN_AI_PROVIDER, rd.provider());
        }
        if (model) {
            b.setAttribute(GEN_AI_REQUEST_MODEL, target);
            String alias = rd.alias() != null ? rd.alias() : res.name();
            if (alias != null && !alias.equals(target)) {
                b.setAttribute(MODEL_ALIAS, alias);
            }
        } else {
            b.setAttribute(GEN_AI_TOOL_NAME, res.name());
        }
        Usage u = context.usage();
        if (u != null) {
            b.setAttribute(GEN_AI_INPUT_TOKENS, u.inputTokens()).setAttribute(GEN_AI_OUTPUT_TOKENS, u.outputTokens())
                    .setAttribute(COST_MICROS, u.costMicros());
        }
        Span call = b.startSpan();
        GatewayError failure = context.failure();
        if (failure != null) {
            call.setAttribute(LayerSpan.ERROR_TYPE, failure.code().code());
            call.setStatus(StatusCode.ERROR);
        }
        call.end(end, TimeUnit.NANOSECONDS);
    }

    private static String errorCode(RequestContext context) {
        if (context.errorCode() != null) {
            return context.errorCode();
        }
        if (context.rejection() != null) {
            return context.rejection().code().code();
        }
        return context.failure() == null ? null : context.failure().code().code();
    }
}
