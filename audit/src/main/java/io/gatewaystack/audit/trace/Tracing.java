package io.gatewaystack.audit.trace;

import io.gatewaystack.core.Layer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry traces of the gateway: one server span per request (continuing the caller's W3C
 * {@code traceparent}), one child span per layer's request phase, and one span per model or tool call with the
 * GenAI semantic conventions ({@code gen_ai.*}). The request's trace id is the one in its audit event.
 *
 * <p>Off unless configured: without a {@code Tracing} the server does not wrap its layers, so tracing costs
 * nothing when it is off. When on, spans are exported over OTLP/HTTP (protobuf) in batches by the SDK's
 * {@link BatchSpanProcessor} on its own thread; an unreachable collector loses spans (counted and logged by the
 * SDK), never requests. Traces are observability, not the audit trail: the trail stays complete without them.
 */
public final class Tracing implements AutoCloseable {

    /** The tracer's instrumentation scope name. */
    public static final String SCOPE = "io.gatewaystack";

    /**
     * @param endpoint    the OTLP/HTTP base URL (as {@code OTEL_EXPORTER_OTLP_ENDPOINT}, e.g.
     *                    {@code http://collector:4318}); spans go to {@code <endpoint>/v1/traces}
     * @param serviceName {@code service.name} of the resource
     * @param sampleRatio fraction of new traces recorded (a caller's sampled flag is followed)
     * @param headers     extra headers for the collector (e.g. an API key)
     */
    public record Settings(URI endpoint, String serviceName, double sampleRatio, Map<String, String> headers) {
        public Settings {
            Objects.requireNonNull(endpoint, "endpoint");
            if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
                throw new IllegalArgumentException("the OTLP endpoint must be an http(s) URL with a host");
            }
            if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
                throw new IllegalArgumentException("the trace sample ratio must be between 0 and 1");
            }
            serviceName = serviceName == null || serviceName.isBlank() ? "gatewaystack" : serviceName;
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /** {@code <endpoint>/v1/traces}, as the OTLP exporter specification builds it from the base URL. */
        public String tracesUrl() {
            String base = endpoint.toString();
            return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
        }
    }

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private Tracing(SpanProcessor processor, String serviceName, Sampler sampler) {
        this.provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                .setSampler(sampler)
                .addSpanProcessor(processor)
                .build();
        this.tracer = provider.get(SCOPE);
    }

    /** Exports over OTLP/HTTP to {@code settings.endpoint()}, batched. */
    public static Tracing otlp(Settings settings) {
        OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.tracesUrl())
                .setTimeout(Duration.ofSeconds(10));
        settings.headers().forEach(b::addHeader);
        return new Tracing(BatchSpanProcessor.builder(b.build()).build(), settings.serviceName(),
                Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRatio())));
    }

    /** Every span to {@code exporter} as it ends (tests, or an exporter of your own). */
    public static Tracing withExporter(SpanExporter exporter, String serviceName) {
        return new Tracing(SimpleSpanProcessor.create(exporter), serviceName, Sampler.parentBased(Sampler.alwaysOn()));
    }

    /**
     * The chain with tracing: {@link RequestSpan} first (it opens the request's span and sets the trace id before
     * any other layer runs, and ends it last), then every layer wrapped in a {@link LayerSpan}.
     */
    public List<Layer> instrument(List<? extends Layer> layers) {
        List<Layer> out = new ArrayList<>(layers.size() + 1);
        out.add(new RequestSpan(tracer));
        for (Layer l : layers) {
            out.add(new LayerSpan(l, tracer));
        }
        return out;
    }

    /** Exports what is buffered (up to 5 s). */
    public void flush() {
        provider.forceFlush().join(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
