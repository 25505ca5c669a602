package io.gatewaystack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatewaystack.audit.AuditEvent;
import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.server.demo.DemoMode;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces end to end: the demo gateway with {@code OTEL_EXPORTER_OTLP_ENDPOINT} set exports the spans of an LLM call
 * over OTLP/HTTP to a real receiver, continuing the caller's {@code traceparent}; the audit event carries the same
 * trace id.
 */
class TracingEndToEndTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @TempDir
    Path dir;

    @Test
    void anLlmCallIsTracedOverOtlpAndItsAuditEventHasTheTraceId() throws Exception {
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        collector.createContext("/v1/traces", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            synchronized (received) {
                received.writeBytes(body);
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        collector.start();
        Vertx vertx = Vertx.vertx();
        Http http = new Http(vertx);
        DemoMode demo = null;
        try {
            demo = DemoMode.start(vertx, Map.of("PORT", "0", "DEMO_ISSUER_PORT", "0", "DEMO_ECHO_PORT", "0", "DEMO_LLM_PORT", "0",
                    "DEMO_TOOLS_PORT", "0", "DEMO_DATA_DIR", dir.toString(),
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                    "OTEL_SERVICE_NAME", "gs-e2e"), new ByteArrayOutputStream());
            String gw = "http://127.0.0.1:" + demo.gateway().port();
            Http.Response mint = http.post(demo.issuer().issuer() + "mint", "{\"sub\":\"alice\",\"org_id\":\"acme\"}",
                    "Content-Type", "application/json");
            String token = mint.json().get("access_token").asString();
            Http.Response chat = http.post(gw + "/v1/chat/completions",
                    "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
                    "Authorization", "Bearer " + token, "Content-Type", "application/json",
                    "traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01", "X-Request-Id", "traced-1");
            assertThat(chat.status()).isEqualTo(200);
            // a streamed answer: its audit event carries the time to first token
            Http.Response streamed = http.post(gw + "/v1/chat/completions",
                    "{\"model\":\"echo\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}]}",
                    "Authorization", "Bearer " + token, "Content-Type", "application/json", "X-Request-Id", "streamed-1");
            assertThat(streamed.status()).isEqualTo(200);
        } finally {
            if (demo != null) {
                demo.stop(); // flushes the audit spool and the buffered spans
            }
            http.close();
            vertx.close();
            collector.stop(0);
        }
        byte[] all;
        synchronized (received) {
            all = received.toByteArray();
        }
        String text = new String(all, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("gs-e2e", "POST llm.chat", "gatewaystack.identity", "gatewaystack.audit",
                "gen_ai.request.model", "gen_ai.usage.input_tokens", "gen_ai.system");
        assertThat(text).contains(new String(HexFormat.of().parseHex(TRACE_ID), StandardCharsets.ISO_8859_1));

        List<AuditEvent> events = new ArrayList<>();
        try (AuditSource store = AuditSource.open(dir.resolve("audit.db").toString())) {
            store.forEachRow(0, row -> events.add(AuditEvent.fromJson(row.json())));
        }
        assertThat(events).filteredOn(e -> "traced-1".equals(e.requestId()))
                .singleElement().satisfies(e -> {
                    assertThat(e.traceId()).isEqualTo(TRACE_ID);
                    assertThat(e.usage().ttftMicros()).as("not streamed").isZero();
                });
        assertThat(events).filteredOn(e -> "streamed-1".equals(e.requestId())).singleElement().satisfies(e -> {
            assertThat(e.usage().ttftMicros()).isPositive().isLessThanOrEqualTo(e.latencyMicros());
            assertThat(e.usage().inputTokens()).isPositive();
            assertThat(e.toJson()).contains("\"ttft_us\":" + e.usage().ttftMicros());
        });
    }
}
