package io.gatewaystack.spring;

import io.gatewaystack.audit.AuditConfig;
import io.gatewaystack.audit.AuditLayer;
import io.gatewaystack.audit.AuditMetrics;
import io.gatewaystack.audit.AuditPipeline;
import io.gatewaystack.audit.AuditSink;
import io.gatewaystack.audit.spool.Spool;
import io.gatewaystack.audit.store.JdbcAuditStore;
import io.gatewaystack.audit.store.JsonLinesSink;
import io.gatewaystack.core.Failures;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit trail of an embedding application, built as the gateway builds its own: a bounded queue, a local spool
 * (a crash loses nothing accepted) and the store (PostgreSQL, or SQLite in the audit folder). Closing it at
 * shutdown flushes the queue into the spool and the spool into the store.
 */
public final class AuditTrail implements AutoCloseable {

    private final AuditPipeline pipeline;
    private final AuditLayer layer;

    private AuditTrail(AuditPipeline pipeline) {
        this.pipeline = pipeline;
        this.layer = new AuditLayer(pipeline, new AuditMetrics().bind(pipeline));
    }

    static AuditTrail open(GatewayStackProperties.Audit audit) {
        Path dir = audit.dir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("gatewaystack.audit.dir: cannot create " + dir + ": " + e.getMessage(), e);
        }
        List<AuditSink> sinks = new ArrayList<>();
        try {
            JdbcAuditStore store = audit.databaseUrl() != null && !audit.databaseUrl().isBlank()
                    ? JdbcAuditStore.open(audit.databaseUrl())
                    : JdbcAuditStore.sqlite(dir.resolve("audit.db"));
            store.migrate();
            sinks.add(store);
        } catch (RuntimeException e) {
            throw new IllegalStateException("gatewaystack.audit: the audit store cannot be opened: " + Failures.rootMessage(e), e);
        }
        if (audit.jsonLines() != null && !audit.jsonLines().isBlank()) {
            sinks.add("stdout".equals(audit.jsonLines()) ? JsonLinesSink.stdout()
                    : JsonLinesSink.file(Path.of(audit.jsonLines()), 64L << 20));
        }
        String instance = audit.instanceId() != null && !audit.instanceId().isBlank() ? audit.instanceId() : hostName();
        AuditConfig config = AuditConfig.defaults(instance, dir.resolve("audit-spool")).withFsync(Spool.Fsync.INTERVAL);
        return new AuditTrail(new AuditPipeline(config, sinks));
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            return host == null || host.isBlank() ? "app" : host;
        } catch (IOException e) {
            return "app";
        }
    }

    public AuditLayer layer() {
        return layer;
    }

    public AuditPipeline pipeline() {
        return pipeline;
    }

    @Override
    public void close() {
        pipeline.close(Duration.ofSeconds(5));
    }
}
