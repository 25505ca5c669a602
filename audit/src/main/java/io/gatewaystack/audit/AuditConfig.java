package io.gatewaystack.audit;

import io.gatewaystack.audit.spool.Spool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the audit pipeline.
 *
 * @param instanceId          this gateway instance (one hash chain per instance, so replicas never contend)
 * @param spoolDir            where the write-ahead spool lives (one directory per instance)
 * @param queueCapacity       in-memory queue between request threads and the writer
 * @param segmentBytes        spool segment size before rotation
 * @param spoolMaxBytes       spool disk limit (undelivered records plus the current segment)
 * @param onSpoolFull         what happens when the limit is reached
 * @param fsync               the spool's fsync policy
 * @param fsyncInterval       for {@link Spool.Fsync#INTERVAL}
 * @param sealEveryEvents     seal the chain head after this many events...
 * @param sealEvery           ...or this much time with unsealed events, whichever first
 * @param sealKey             HMAC-SHA256 key for seals (at least 32 bytes); null: no seals
 * @param sealKeyId           names the seal key
 * @param sinkBatch           records per sink write
 * @param dataKey             master key for per-user encryption of {@code sub} (crypto-shredding, at least 32
 *                            bytes); null: stored in clear
 */
public record AuditConfig(
        String instanceId,
        Path spoolDir,
        int queueCapacity,
        long segmentBytes,
        long spoolMaxBytes,
        SpoolFullPolicy onSpoolFull,
        Spool.Fsync fsync,
        Duration fsyncInterval,
        int sealEveryEvents,
        Duration sealEvery,
        byte[] sealKey,
        String sealKeyId,
        int sinkBatch,
        byte[] dataKey) {

    /** Spool disk limit policy. */
    public enum SpoolFullPolicy {
        /** Refuse new requests (503 {@code unavailable}) until sinks catch up: never run unaudited. The default. */
        FAIL_CLOSED,
        /** Keep serving and keep spooling past the limit; raise the {@code gatewaystack_audit_alarm} gauge. */
        ALARM
    }

    public AuditConfig {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(spoolDir, "spoolDir");
        if (instanceId.isBlank() || instanceId.length() > 100) {
            throw new IllegalArgumentException("audit instance id must be 1-100 characters");
        }
        if (sealKey != null && sealKey.length < 32) {
            throw new IllegalArgumentException("audit seal key must be at least 32 bytes");
        }
        if (dataKey != null && dataKey.length < 32) {
            throw new IllegalArgumentException("audit data key must be at least 32 bytes");
        }
    }

    /** Defaults: 65,536 queued, 64 MiB segments, 1 GiB limit, fail closed, fsync per batch, seal every 1,000 events or 10 s. */
    public static AuditConfig defaults(String instanceId, Path spoolDir) {
        return new AuditConfig(instanceId, spoolDir, 65_536, 64L << 20, 1L << 30, SpoolFullPolicy.FAIL_CLOSED,
                Spool.Fsync.ALWAYS, Duration.ofMillis(200), 1_000, Duration.ofSeconds(10), null, "k1", 2_000, null);
    }

    public AuditConfig withSealKey(byte[] key, String keyId) {
        return new AuditConfig(instanceId, spoolDir, queueCapacity, segmentBytes, spoolMaxBytes, onSpoolFull, fsync,
                fsyncInterval, sealEveryEvents, sealEvery, key, keyId, sinkBatch, dataKey);
    }

    /** Per-user encryption of {@code sub} under data keys wrapped by {@code masterKey}; null turns it off. */
    public AuditConfig withDataKey(byte[] masterKey) {
        return new AuditConfig(instanceId, spoolDir, queueCapacity, segmentBytes, spoolMaxBytes, onSpoolFull, fsync,
                fsyncInterval, sealEveryEvents, sealEvery, sealKey, sealKeyId, sinkBatch, masterKey);
    }

    public AuditConfig withSpoolLimits(long segmentBytes, long spoolMaxBytes, SpoolFullPolicy policy) {
        return new AuditConfig(instanceId, spoolDir, queueCapacity, segmentBytes, spoolMaxBytes, policy, fsync,
                fsyncInterval, sealEveryEvents, sealEvery, sealKey, sealKeyId, sinkBatch, dataKey);
    }

    public AuditConfig withSealEvery(int events, Duration every) {
        return new AuditConfig(instanceId, spoolDir, queueCapacity, segmentBytes, spoolMaxBytes, onSpoolFull, fsync,
                fsyncInterval, events, every, sealKey, sealKeyId, sinkBatch, dataKey);
    }

    public AuditConfig withFsync(Spool.Fsync policy) {
        return new AuditConfig(instanceId, spoolDir, queueCapacity, segmentBytes, spoolMaxBytes, onSpoolFull, policy,
                fsyncInterval, sealEveryEvents, sealEvery, sealKey, sealKeyId, sinkBatch, dataKey);
    }

    public AuditConfig withQueueCapacity(int capacity) {
        return new AuditConfig(instanceId, spoolDir, capacity, segmentBytes, spoolMaxBytes, onSpoolFull, fsync,
                fsyncInterval, sealEveryEvents, sealEvery, sealKey, sealKeyId, sinkBatch, dataKey);
    }

    /**
     * A seal key from configuration text: {@code base64:...} or {@code hex:...}, else the UTF-8 bytes of the
     * text. Null or blank gives null (no seals).
     */
    public static byte[] parseKey(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith("base64:")) {
            return java.util.Base64.getDecoder().decode(t.substring(7));
        }
        if (t.startsWith("hex:")) {
            return java.util.HexFormat.of().parseHex(t.substring(4));
        }
        return t.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
