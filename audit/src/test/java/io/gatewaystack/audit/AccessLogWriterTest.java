package io.gatewaystack.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.core.ErrorCode;
import io.gatewaystack.core.GatewayError;
import io.gatewaystack.core.Identity;
import io.gatewaystack.core.RequestContext;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AccessLogWriterTest {

    @Test
    void writesOneJsonLinePerRequestWithoutTokensOrQueries() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter writer = new AccessLogWriter(out, 100);
        AccessLogLayer layer = new AccessLogLayer(writer);

        RequestContext allowed = RequestContext.builder().requestId("r-1").method("GET").path("/proxy/echo")
                .query("access_token=secret").routeName("proxy")
                .headers(name -> name.equals("Authorization") ? "Bearer secret-token" : null).build();
        allowed.identity(new Identity("alice", "https://idp", "acme", null, List.of(), List.of("tool:read"), null,
                null, null, null, Instant.now(), Map.of()));
        allowed.complete(200, null);
        layer.onComplete(allowed);

        RequestContext denied = RequestContext.builder().requestId("r-2").method("POST").path("/protected/echo").build();
        denied.rejection(GatewayError.of(ErrorCode.MISSING_TOKEN, "no token"));
        denied.complete(401, "missing_token");
        layer.onComplete(denied);
        writer.close();

        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("\"request_id\":\"r-1\"", "\"method\":\"GET\"", "\"path\":\"/proxy/echo\"",
                "\"status\":200", "\"sub\":\"alice\"", "\"org\":\"acme\"", "\"decision\":\"allow\"", "\"latency_ms\":");
        assertThat(lines[0]).doesNotContain("secret");
        assertThat(lines[1]).contains("\"decision\":\"deny\"", "\"error\":\"missing_token\"", "\"status\":401",
                "\"sub\":null");
        assertThat(writer.writtenCount()).isEqualTo(2);
    }

    @Test
    void aFullQueueCountsDropsAndReportsThem() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream slow = new OutputStream() {
            @Override public void write(int b) { sink.write(b); }
            @Override public void write(byte[] b, int off, int len) {
                try { release.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                sink.write(b, off, len);
            }
        };
        AccessLogWriter writer = new AccessLogWriter(slow, 2);
        RequestContext ctx = RequestContext.builder().requestId("r").method("GET").path("/").build();
        ctx.complete(200, null);
        for (int i = 0; i < 50; i++) {
            writer.submit(AccessRecord.of(ctx));
        }
        assertThat(writer.droppedCount()).isGreaterThan(0);
        release.countDown();
        writer.close();
        assertThat(sink.toString(StandardCharsets.UTF_8)).contains("\"kind\":\"access_log.dropped\"");
        assertThat(writer.writtenCount() + writer.droppedCount()).isEqualTo(50);
    }
}
