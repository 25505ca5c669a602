package io.gatewaystack.audit.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatewaystack.audit.AuditConfig;
import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.AuditLayer;
import io.gatewaystack.audit.AuditPipeline;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.Layer;
import io.gatewaystack.core.Pipeline;
import io.gatewaystack.core.RequestContext;
import io.gatewaystack.core.ResourceRequest;
import io.gatewaystack.core.RoutingDecision;
import io.gatewaystack.core.Usage;
import io.gatewaystack.core.Verdict;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spans per layer, GenAI conventions, traceparent, the audit event's trace id, and a real OTLP/HTTP export. */
class TracingTest {

    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String PARENT_SPAN = "b7ad6b7169203331";

    @TempDir
    Path dir;

    /** identity (sync), an async layer (awaited stage), the model resolution, and optionally a rejecting layer. */
    static List<Layer> layers(boolean reject) {
        List<Layer> out = new ArrayList<>();
        out.add(layer("identity", ctx -> {
            ctx.identity(new Identity("alice", "https://issuer.example", "acme", null, List.of(), List.of(), null, null,
                    null, "app-1", Instant.now().plusSeconds(60), Map.of()));
            return Verdict.proceed();
        }));
        out.add(layer("limits", ctx -> Verdict.await(CompletableFuture.supplyAsync(Verdict::proceed))));
        out.add(layer("model", ctx -> {
            ctx.resource(new ResourceRequest(ResourceRequest.Kind.MODEL, "fast"));
            ctx.routingDecision(new RoutingDecision("openai", "gpt-4o", "fast"));
            return Verdict.proceed();
        }));
        if (reject) {
            out.add(layer("policy", ctx -> Verdict.reject(ErrorCode.POLICY_DENIED, "no")));
        }
        return out;
    }

    static Layer layer(String name, java.util.function.Function<RequestContext, Verdict> onRequest) {
        return new Layer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Verdict onRequest(RequestContext context) {
                return onRequest.apply(context);
            }
        };
    }

    /** Runs one request through the instrumented chain the way the server does, and completes it. */
    static RequestContext run(Tracing tracing, List<Layer> chain, String traceparent, int status) throws Exception {
        Pipeline p = new Pipeline(tracing.instrument(chain), (l, phase, e) -> { throw new AssertionError(l.name() + " " + phase, e); });
        RequestContext ctx = RequestContext.builder().requestId("req-" + System.nanoTime()).method("POST")
                .path("/v1/chat/completions").routeName("llm.chat")
                .headers(name -> name.equalsIgnoreCase("traceparent") ? traceparent : null).build();
        CompletableFuture<Verdict> done = new CompletableFuture<>();
        p.run(ctx, done::complete);
        Verdict v = done.get(10, TimeUnit.SECONDS);
        if (v.isProceed()) {
            ctx.usage(new Usage(100, 50, 1234));
        }
        ctx.complete(v.isProceed() ? status : v.rejection().status(), v.isProceed() ? null : v.rejection().code().code());
        p.complete(ctx);
        return ctx;
    }

    static SpanData named(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans.stream().map(SpanData::getName).toList()));
    }

    @Test
    void oneSpanPerLayerAGenAiSpanForTheModelCallAndTheAuditEventCarriesTheTraceId() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        JdbcAuditStore store = JdbcAuditStore.sqlite(dir.resolve("audit.db"));
        try (Tracing tracing = Tracing.withExporter(exporter, "gs-test");
             AuditPipeline audit = new AuditPipeline(AuditConfig.defaults("gw-trace", dir.resolve("spool")), List.of(store))) {
            List<Layer> chain = new ArrayList<>(List.of(new AuditLayer(audit, null)));
            chain.addAll(layers(false));
            RequestContext ctx = run(tracing, chain, "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01", 200);
            assertThat(ctx.traceId()).isEqualTo(TRACE_ID);

            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder(
                    "gatewaystack.audit", "gatewaystack.identity", "gatewaystack.limits", "gatewaystack.model",
                    "chat gpt-4o", "POST llm.chat");
            SpanData root = named(spans, "POST llm.chat");
            assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(root.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(root.getParentSpanId()).as("continues the caller's traceparent").isEqualTo(PARENT_SPAN);
            assertThat(root.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
            assertThat(root.getAttributes().get(AttributeKey.stringKey("gatewaystack.decision"))).isEqualTo("allow");
            for (String layer : List.of("audit", "identity", "limits", "model")) {
                SpanData s = named(spans, "gatewaystack." + layer);
                assertThat(s.getTraceId()).isEqualTo(TRACE_ID);
                assertThat(s.getParentSpanId()).isEqualTo(root.getSpanId());
                assertThat(s.getAttributes().get(AttributeKey.stringKey("gatewaystack.verdict"))).isEqualTo("proceed");
            }
            SpanData call = named(spans, "chat gpt-4o");
            assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(call.getParentSpanId()).isEqualTo(root.getSpanId());
            assertThat(call.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
            assertThat(call.getAttributes().get(AttributeKey.stringKey("gen_ai.system"))).isEqualTo("openai");
            assertThat(call.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-4o");
            assertThat(call.getAttributes().get(AttributeKey.stringKey("gatewaystack.model.alias"))).isEqualTo("fast");
            assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(100L);
            assertThat(call.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(50L);
            // the call starts when the chain has finished (after the last layer's span) and ends with the request
            assertThat(call.getStartEpochNanos()).isGreaterThanOrEqualTo(named(spans, "gatewaystack.model").getEndEpochNanos());
            assertThat(call.getEndEpochNanos()).isLessThanOrEqualTo(root.getEndEpochNanos());

            assertThat(audit.awaitDelivered(Duration.ofSeconds(10))).isTrue();
            List<AuditEvent> events = new ArrayList<>();
            store.forEachRow(0, row -> events.add(AuditEvent.fromJson(row.json())));
            assertThat(events).singleElement().satisfies(e -> assertThat(e.traceId()).isEqualTo(TRACE_ID));
        }
    }

    @Test
    void aRejectionIsOnTheRejectingLayersSpanAndNoModelCallIsTraced() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.withExporter(exporter, "gs-test")) {
            RequestContext ctx = run(tracing, layers(true), null, 200);
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(spans).extracting(SpanData::getName).containsExactlyInAnyOrder(
                    "gatewaystack.identity", "gatewaystack.limits", "gatewaystack.model", "gatewaystack.policy", "POST llm.chat");
            SpanData policy = named(spans, "gatewaystack.policy");
            assertThat(policy.getAttributes().get(AttributeKey.stringKey("gatewaystack.verdict"))).isEqualTo("reject");
            assertThat(policy.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("policy_denied");
            SpanData root = named(spans, "POST llm.chat");
            assertThat(root.getParentSpanId()).as("a new trace without traceparent").isEqualTo("0000000000000000");
            assertThat(root.getTraceId()).isEqualTo(ctx.traceId()).isNotEqualTo(TRACE_ID);
            assertThat(root.getAttributes().get(AttributeKey.stringKey("gatewaystack.decision"))).isEqualTo("deny");
            assertThat(root.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(403L);
        }
    }

    @Test
    void exportsOverOtlpHttpToARealReceiver() throws Exception {
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<byte[]> bodies = new CopyOnWriteArrayList<>();
        List<String> contentTypes = new CopyOnWriteArrayList<>();
        List<String> apiKeys = new CopyOnWriteArrayList<>();
        CountDownLatch received = new CountDownLatch(1);
        collector.createContext("/v1/traces", ex -> {
            bodies.add(ex.getRequestBody().readAllBytes());
            contentTypes.add(ex.getRequestHeaders().getFirst("Content-Type"));
            apiKeys.add(ex.getRequestHeaders().getFirst("x-api-key"));
            ex.sendResponseHeaders(200, -1);
            ex.close();
            received.countDown();
        });
        collector.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + collector.getAddress().getPort());
            try (Tracing tracing = Tracing.otlp(new Tracing.Settings(endpoint, "gs-otlp-test", 1.0, Map.of("x-api-key", "collector-key")))) {
                run(tracing, layers(false), "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01", 200);
                tracing.flush();
            }
            assertThat(received.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(contentTypes.getFirst()).isEqualTo("application/x-protobuf");
            assertThat(apiKeys.getFirst()).isEqualTo("collector-key");
            byte[] all = bodies.stream().reduce(new byte[0], TracingTest::concat);
            // protobuf carries strings as UTF-8 and ids as raw bytes
            assertThat(indexOf(all, "chat gpt-4o".getBytes())).isNotNegative();
            assertThat(indexOf(all, "gen_ai.usage.input_tokens".getBytes())).isNotNegative();
            assertThat(indexOf(all, "gs-otlp-test".getBytes())).isNotNegative();
            assertThat(indexOf(all, HexFormat.of().parseHex(TRACE_ID))).isNotNegative();
        } finally {
            collector.stop(0);
        }
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Tracing.Settings(URI.create("grpc://c:4317"), null, 1, null))
                .hasMessageContaining("http(s)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Tracing.Settings(URI.create("http://c:4318"), null, 2, null))
                .hasMessageContaining("between 0 and 1");
        assertThat(new Tracing.Settings(URI.create("http://c:4318/"), null, 1, null).tracesUrl()).isEqualTo("http://c:4318/v1/traces");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
