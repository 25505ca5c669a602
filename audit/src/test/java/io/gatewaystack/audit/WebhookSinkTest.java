package io.gatewaystack.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gatewaystack.audit.store.AuditSource;
import io.gatewaystack.audit.store.WebhookSink;
import io.gatewaystack.core.RequestContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The webhook sink against a real HTTP receiver on 127.0.0.1 that fails, loses an answer, then recovers. */
class WebhookSinkTest {

    static final byte[] SECRET = "webhook-secret-0123456789abcdef!".getBytes(StandardCharsets.US_ASCII);
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;
    HttpServer receiver;

    /** What the receiver saw: every request, and each record once by its id, in the order first seen. */
    final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();
    final List<String> badSignatures = new CopyOnWriteArrayList<>();
    final Map<String, String> records = new LinkedHashMap<>();
    final AtomicInteger requests = new AtomicInteger();

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    /**
     * Requests 1-3 are answered 503 (down), request 5 is stored but answered 500 (the answer is "lost", so the
     * same batch comes again), everything else is stored and answered 200.
     */
    URI startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/ingest", ex -> {
            int n = requests.incrementAndGet();
            byte[] body = ex.getRequestBody().readAllBytes();
            idempotencyKeys.add(ex.getRequestHeaders().getFirst("Idempotency-Key"));
            String sig = ex.getRequestHeaders().getFirst("X-GatewayStack-Signature");
            if (!WebhookSink.signature(SECRET, body).equals(sig)
                    || !"Bearer siem-token".equals(ex.getRequestHeaders().getFirst("Authorization"))
                    || !"application/x-ndjson".equals(ex.getRequestHeaders().getFirst("Content-Type"))) {
                badSignatures.add(String.valueOf(sig));
            }
            int status = 200;
            if (n <= 3) {
                status = 503;
            } else {
                synchronized (records) {
                    for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
                        JsonNode node = JSON.readTree(line);
                        String id = node.has("event_id") ? node.get("event_id").asString()
                                : "seal:" + node.get("instance").asString() + ":" + node.get("seq").asLong();
                        records.putIfAbsent(id, line); // dedup by event id, as the docs ask of receivers
                    }
                }
                if (n == 5) {
                    status = 500;
                }
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/ingest");
    }

    @Test
    void batchesRetriesWithBackoffAndDeliversEveryEventOnceInOrder() throws Exception {
        URI url = startReceiver();
        WebhookSink sink = new WebhookSink("siem", new WebhookSink.Settings(url, "Bearer siem-token", SECRET, 100, Duration.ofSeconds(5)));
        AuditConfig config = AuditConfig.defaults("gw-webhook", dir.resolve("spool"))
                .withSealKey(AuditPipelineTest.KEY, "k1").withSealEvery(100, Duration.ofSeconds(1));
        long started = System.nanoTime();
        try (AuditPipeline p = new AuditPipeline(config, List.of(sink))) {
            for (RequestContext ctx : AuditPipelineTest.mixedLoad(1_000)) {
                AuditLayer layer = new AuditLayer(p, null);
                layer.onRequest(ctx);
                layer.onComplete(ctx);
            }
            assertThat(p.awaitDelivered(Duration.ofSeconds(60))).isTrue();
            AuditPipeline.SinkStatus status = p.health().sinks().getFirst();
            assertThat(status.failures()).as("the 503s and the lost answer").isEqualTo(4);
            assertThat(status.healthy()).isTrue();
        }
        // Backoff: 100 + 200 + 400 ms after the three 503s; after the success it starts again at 100 ms for the lost answer.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
        assertThat(badSignatures).isEmpty();

        List<String> lines;
        synchronized (records) {
            lines = new ArrayList<>(records.values());
        }
        List<Long> seqs = lines.stream().map(l -> JSON.readTree(l)).filter(n -> n.has("event_id"))
                .map(n -> n.get("seq").asLong()).toList();
        assertThat(seqs).hasSize(1_000);
        for (int i = 0; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("chain order").isEqualTo(i + 1L);
        }
        // The batch whose answer was lost came again, byte for byte (same idempotency key).
        assertThat(idempotencyKeys.subList(5, idempotencyKeys.size())).contains(idempotencyKeys.get(4));
        assertThat(requests.get()).isGreaterThanOrEqualTo(3 + 1 + 11); // 1,000 events + seals in batches of 100
        // What the SIEM holds (deduplicated) is the whole chain, seals included: it verifies.
        Path received = dir.resolve("received.jsonl");
        Files.write(received, lines);
        try (AuditSource source = AuditSource.open(received.toString())) {
            AuditVerifier.Result r = new AuditVerifier(AuditPipelineTest.KEY).verify(source);
            assertThat(r.ok()).as(String.valueOf(r.firstBroken())).isTrue();
            assertThat(r.events()).isEqualTo(1_000);
            assertThat(r.seals()).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebhookSink.Settings.of(URI.create("ftp://siem/x")))
                .hasMessageContaining("http(s) URL");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebhookSink.Settings(URI.create("https://siem/x"), null, null, 0, null))
                .hasMessageContaining("at least 1");
    }
}
