package io.gatewaystack.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatewaystack.audit.AuditEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The overview's rolling numbers: counts per window, rates, percentiles within the buckets' ±12%. */
class TrafficStatsTest {

    static final long NOW = 1_800_000_000_000L;

    static AuditEvent event(long time, String route, int status, String decision, long latencyMicros) {
        return new AuditEvent(1, "id", time, null, 0, null, null, "r", null, null,
                new AuditEvent.What(route, "GET", "/x", null, null, null, null, null), null, null, null, null,
                latencyMicros, new AuditEvent.Outcome(status, status >= 400 ? "some_error" : null, decision));
    }

    @Test
    void aQuietWindowHasNoPercentilesAndNoError() {
        Map<String, Object> s = new TrafficStats().snapshot(NOW, 60, 5);
        assertThat(s.get("requests")).isEqualTo(0L);
        assertThat(((Map<?, ?>) s.get("latency_ms")).get("p95")).isNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void countsRatesAndPercentiles() {
        TrafficStats stats = new TrafficStats();
        for (int i = 0; i < 100; i++) { // 100 requests over the last 50 s, latencies 1..100 ms
            stats.record(event(NOW - 50_000 + i * 500, "llm.chat", 200, "allow", (i + 1) * 1000L), NOW);
        }
        stats.record(event(NOW - 10_000, "llm.chat", 403, "deny", 1000), NOW);
        stats.record(event(NOW - 10_000, "llm.chat", 502, "allow", 1000), NOW);
        stats.record(event(NOW - 10_000, "admin.api", 499, "allow", 60_000_000), NOW); // the console's own: not counted
        stats.record(event(NOW - 400_000, "llm.chat", 200, "allow", 1000), NOW);     // older than the window: not counted
        Map<String, Object> s = stats.snapshot(NOW, 60, 5);
        assertThat(s.get("requests")).isEqualTo(102L);
        assertThat(s.get("denied")).isEqualTo(1L);
        assertThat(s.get("errors")).isEqualTo(1L);
        assertThat((double) s.get("rate_per_second")).isEqualTo(1.7);
        Map<String, Double> latency = (Map<String, Double>) s.get("latency_ms");
        assertThat(latency.get("p50")).isBetween(49.0 / 1.25, 51.0 * 1.25);
        assertThat(latency.get("p99")).isBetween(99.0 / 1.25, 100.0 * 1.25);
        Map<String, Object> series = (Map<String, Object>) s.get("series");
        List<Long> t = (List<Long>) series.get("t");
        List<Double> rate = (List<Double>) series.get("rate");
        assertThat(t).hasSameSizeAs(rate);
        assertThat(t.size()).isBetween(TrafficStats.SECONDS / 5 - 1, TrafficStats.SECONDS / 5); // by alignment
        assertThat(rate.stream().mapToDouble(Double::doubleValue).sum() * 5).isEqualTo(102.0, org.assertj.core.data.Offset.offset(1e-6));
    }
}
