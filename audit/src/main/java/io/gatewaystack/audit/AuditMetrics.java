package io.gatewaystack.audit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics of the gateway as seen by the audit layer (one place that sees every request's outcome):
 * requests, latency histogram, decisions, errors, tokens and cost, plus the audit pipeline's own queue depth, spool
 * size, sink lag, drops and its accepting/alarm state. {@link #scrape()} is the body of {@code GET /metrics}.
 *
 * <p>Tags are low-cardinality only: route, decision, status class, error code, policy effect, provider. Never the
 * user, org or path.
 */
public final class AuditMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private static final String[] STATUS_CLASSES = {null, "1xx", "2xx", "3xx", "4xx", "5xx"};
    private final ConcurrentHashMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> timers = new ConcurrentHashMap<>();

    public AuditMetrics() {
    }

    /** Adds the pipeline's gauges (queue depth, spool bytes, sink lag, drops, accepting, alarm). */
    public AuditMetrics bind(AuditPipeline pipeline) {
        Gauge.builder("gatewaystack_audit_queue_depth", pipeline, AuditPipeline::queueDepth)
                .description("Audit events waiting in memory for the writer").register(registry);
        Gauge.builder("gatewaystack_audit_spool_bytes", pipeline, AuditPipeline::spoolBytes)
                .description("Bytes in the audit spool").register(registry);
        Gauge.builder("gatewaystack_audit_sink_lag_records", pipeline, AuditPipeline::maxSinkLag)
                .description("Spool records the slowest sink has not delivered yet").register(registry);
        Gauge.builder("gatewaystack_audit_dropped_events", pipeline, AuditPipeline::droppedCount)
                .description("Audit events that could not be queued").register(registry);
        Gauge.builder("gatewaystack_audit_refused_events", pipeline, AuditPipeline::refusedCount)
                .description("Audit events refused while failing closed").register(registry);
        Gauge.builder("gatewaystack_audit_accepting", pipeline, p -> p.acceptingEvents() ? 1 : 0)
                .description("1 while the audit pipeline accepts events; 0 means requests get 503").register(registry);
        Gauge.builder("gatewaystack_audit_alarm", pipeline, p -> p.alarm() ? 1 : 0)
                .description("1 when the spool is over its limit, the writer failed or events were dropped").register(registry);
        return this;
    }

    /** Records one completed request. Cheap: cached meters, no allocation beyond the cache key. */
    public void record(AuditEvent e) {
        String route = e.what().route() == null ? "none" : e.what().route();
        String decision = e.outcome().decision();
        int status = e.outcome().status();
        String statusClass = status >= 100 && status < 600 ? STATUS_CLASSES[status / 100] : "other";
        counter("gatewaystack_requests", "route", route, "decision", decision, "status", statusClass).increment();
        timers.computeIfAbsent(route, r -> Timer.builder("gatewaystack_request_latency")
                        .description("Time from arrival to the end of the response")
                        .tag("route", r)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
                        .maximumExpectedValue(Duration.ofSeconds(120))
                        .register(registry))
                .record(e.latencyMicros(), TimeUnit.MICROSECONDS);
        if (e.policy() != null) {
            counter("gatewaystack_policy_decisions", "effect", String.valueOf(e.policy().effect())).increment();
        }
        if (e.limits() != null && !e.limits().allowed()) {
            counter("gatewaystack_limit_hits", "route", route).increment();
        }
        if (e.outcome().errorCode() != null) {
            counter("gatewaystack_errors", "code", e.outcome().errorCode()).increment();
        }
        if (e.usage() != null) {
            String provider = e.what().provider() == null ? "none" : e.what().provider();
            counter("gatewaystack_tokens", "provider", provider, "direction", "input").increment(e.usage().inputTokens());
            counter("gatewaystack_tokens", "provider", provider, "direction", "output").increment(e.usage().outputTokens());
            counter("gatewaystack_cost_micros", "provider", provider).increment(e.usage().costMicros());
            if (e.usage().ttftMicros() > 0) {
                timers.computeIfAbsent("ttft|" + provider, k -> Timer.builder("gatewaystack_llm_ttft")
                                .description("Time to first token of streamed model answers")
                                .tag("provider", provider)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(120))
                                .register(registry))
                        .record(e.usage().ttftMicros(), TimeUnit.MICROSECONDS);
            }
        }
    }

    private Counter counter(String name, String... tags) {
        CounterKey key = new CounterKey(name, tags);
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(key, k -> Counter.builder(name).tags(tags).register(registry));
        }
        return c;
    }

    /** A meter's name and tags as a map key, without joining them into a string per event. */
    private record CounterKey(String name, String[] tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof CounterKey k && name.equals(k.name) && java.util.Arrays.equals(tags, k.tags);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + java.util.Arrays.hashCode(tags);
        }
    }

    /** The Prometheus text exposition (content type {@code text/plain; version=0.0.4}). */
    public String scrape() {
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
