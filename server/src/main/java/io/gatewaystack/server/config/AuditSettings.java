package io.gatewaystack.server.config;

import java.nio.file.Path;

/**
 * The audit trail (see docs/layers/audit.md).
 *
 * @param enabled       whether every request gets an audit event
 * @param dir           where the spool (and the default SQLite store) live
 * @param instanceId    this instance's hash chain (one per replica)
 * @param databaseUrl   a JDBC URL (PostgreSQL from {@code DATABASE_URL}), or null for the SQLite file in {@code dir}
 * @param jsonLines     also write events as JSON lines: null (no), {@code stdout}, or a file path
 * @param spoolMaxBytes spool disk limit
 * @param failClosed    at the limit, refuse requests (503) rather than serve unaudited
 * @param sealKey       HMAC key for chain seals ({@code GATEWAYSTACK_AUDIT_SEAL_KEY}), or null for no seals
 * @param webhook       also POST events to a SIEM ({@code audit.webhook}), or null
 * @param dataKey       master key for per-user encryption of {@code sub} (GDPR crypto-shredding,
 *                      {@code GATEWAYSTACK_AUDIT_DATA_KEY}), or null to store it in clear
 * @param auth0Webhook  the Auth0 log-stream webhook ({@code AUTH0_LOG_WEBHOOK_SECRET}), or null (no route)
 * @param tracing       OpenTelemetry traces over OTLP ({@code audit.tracing}, {@code OTEL_EXPORTER_OTLP_ENDPOINT}), or null (off)
 */
public record AuditSettings(boolean enabled, Path dir, String instanceId, String databaseUrl, String jsonLines,
                            long spoolMaxBytes, boolean failClosed, byte[] sealKey,
                            io.gatewaystack.audit.store.WebhookSink.Settings webhook, byte[] dataKey,
                            Auth0WebhookSettings auth0Webhook,
                            io.gatewaystack.audit.trace.Tracing.Settings tracing) {

    @Override
    public String toString() {
        return "AuditSettings[" + enabled + ", " + dir + ", " + instanceId + ", store="
                + (databaseUrl == null ? "sqlite" : "jdbc") + (webhook == null ? "" : ", webhook") + (dataKey == null ? "" : ", encrypted subjects")
                + (tracing == null ? "" : ", otlp") + "]"; // never the URL (may hold a password) or the key
    }
}
