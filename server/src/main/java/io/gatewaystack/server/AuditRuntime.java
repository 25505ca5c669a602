package io.gatewaystack.server;

import io.gatewaystack.audit.AuditConfig;
import io.gatewaystack.audit.AuditLayer;
import io.gatewaystack.audit.AuditMetrics;
import io.gatewaystack.audit.AuditPipeline;
import io.gatewaystack.audit.AuditSink;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.audit.store.JsonLinesSink;
import io.gatewaystack.audit.store.WebhookSink;
import io.gatewaystack.audit.trace.Tracing;
import io.gatewaystack.audit.auth0.Auth0DcrPromoter;
import io.gatewaystack.server.config.Auth0WebhookSettings;
import io.gatewaystack.core.Failures;
import io.gatewaystack.server.admin.LiveFeed;
import io.gatewaystack.server.config.AuditSettings;
import io.gatewaystack.server.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of a running gateway: the pipeline (queue → spool → sinks), its store, its metrics and the layer
 * every chain carries. Built at start; {@link #close} flushes the queue into the spool and seals the chain.
 */
final class AuditRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditRuntime.class);

    private final AuditPipeline pipeline;
    private final AuditMetrics metrics;
    private final AuditLayer layer;
    private final JdbcAuditStore store;
    private final LiveFeed live;
    private final byte[] sealKey;
    private final Tracing tracing;
    private final Auth0WebhookSettings auth0Webhook;
    private final Auth0DcrPromoter auth0Promoter;

    private AuditRuntime(AuditPipeline pipeline, AuditMetrics metrics, JdbcAuditStore store, LiveFeed live, byte[] sealKey,
                         Tracing tracing, Auth0WebhookSettings auth0Webhook) {
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.layer = new AuditLayer(pipeline, metrics);
        this.store = store;
        this.live = live;
        this.sealKey = sealKey;
        this.tracing = tracing;
        this.auth0Webhook = auth0Webhook;
        this.auth0Promoter = auth0Webhook == null ? null : new Auth0DcrPromoter(auth0Webhook.promoter());
    }

    /** Null when auditing is turned off. A store that cannot be opened stops the start (config error). */
    static AuditRuntime start(AuditSettings settings) {
        if (!settings.enabled()) {
            return null;
        }
        List<AuditSink> sinks = new ArrayList<>();
        JdbcAuditStore store;
        try {
            java.nio.file.Files.createDirectories(settings.dir()); // a fresh folder must just work
        } catch (java.io.IOException e) {
            throw new ConfigException("audit.dir", "cannot create " + settings.dir() + ": " + e.getMessage());
        }
        try {
            store = settings.databaseUrl() != null
                    ? JdbcAuditStore.open("postgres", settings.databaseUrl())
                    : JdbcAuditStore.sqlite(settings.dir().resolve("audit.db"));
            store.migrate();
            sinks.add(store);
        } catch (RuntimeException e) {
            throw new ConfigException(settings.databaseUrl() != null ? "audit.database_url" : "audit.dir",
                    "the audit store cannot be opened: " + Failures.rootMessage(e));
        }
        if (settings.jsonLines() != null) {
            sinks.add("stdout".equals(settings.jsonLines()) ? JsonLinesSink.stdout()
                    : JsonLinesSink.file(Path.of(settings.jsonLines()), 64L << 20));
        }
        if (settings.webhook() != null) {
            sinks.add(new WebhookSink("webhook", settings.webhook()));
        }
        // fsync every 200 ms rather than per batch: a killed process loses nothing written (the page cache survives
        // it); only a power loss or kernel crash could cost the last fraction of a second. Per-batch fsync halved
        // the gateway's throughput on 2 cores.
        AuditConfig config = AuditConfig.defaults(settings.instanceId(), settings.dir().resolve("audit-spool"))
                .withFsync(io.gatewaystack.audit.spool.Spool.Fsync.INTERVAL)
                .withSpoolLimits(64L << 20, settings.spoolMaxBytes(),
                        settings.failClosed() ? AuditConfig.SpoolFullPolicy.FAIL_CLOSED : AuditConfig.SpoolFullPolicy.ALARM);
        if (settings.sealKey() != null) {
            config = config.withSealKey(settings.sealKey(), "k1");
        }
        LiveFeed live = new LiveFeed(); // the admin console's live view: a sink of its own, never in the trail's way
        sinks.add(live);
        if (settings.dataKey() != null) {
            config = config.withDataKey(settings.dataKey()); // sub encrypted per user (crypto-shredding)
            store.withDataKey(settings.dataKey()); // so /v1/usage/me and reports still see users
        }
        AuditPipeline pipeline = new AuditPipeline(config, sinks);
        log.info("audit trail: chain {} into {}", pipeline.chainId(),
                settings.databaseUrl() != null ? "PostgreSQL" : settings.dir().resolve("audit.db"));
        Tracing tracing = null;
        if (settings.tracing() != null) {
            tracing = Tracing.otlp(settings.tracing());
            log.info("traces: OTLP/HTTP to {} as {}", settings.tracing().tracesUrl(), settings.tracing().serviceName());
        }
        return new AuditRuntime(pipeline, new AuditMetrics().bind(pipeline), store, live, settings.sealKey(), tracing,
                settings.auth0Webhook());
    }

    /** The Auth0 log-stream webhook's settings, or null when it is off. */
    Auth0WebhookSettings auth0Webhook() {
        return auth0Webhook;
    }

    /** The Management API client of the webhook (one per gateway: it caches the Management API token). */
    Auth0DcrPromoter auth0Promoter() {
        return auth0Promoter;
    }

    /** OpenTelemetry tracing, or null when it is off (then chains are not instrumented at all). */
    Tracing tracing() {
        return tracing;
    }

    AuditLayer layer() {
        return layer;
    }

    AuditMetrics metrics() {
        return metrics;
    }

    AuditPipeline pipeline() {
        return pipeline;
    }

    /** The queryable store (for usage reports); reads are blocking JDBC. */
    JdbcAuditStore store() {
        return store;
    }

    /** Every audit event as the pipeline delivers it, for the admin console. */
    LiveFeed live() {
        return live;
    }

    /** The seal key (to verify seal signatures), or null. */
    byte[] sealKey() {
        return sealKey;
    }

    @Override
    public void close() {
        pipeline.close(Duration.ofSeconds(5));
        if (tracing != null) {
            tracing.close(); // exports the spans still buffered
        }
    }
}
